using BrandBot.Account.Media;
using BrandBot.Account.Menus;

namespace BrandBot.Account.Planning;

/// <summary>What an apply did: each change made, and the error that stopped it, if one did.</summary>
public sealed record ApplyResult(IReadOnlyList<string> Done, string? Error);

/// <summary>
/// Makes a plan's calls in order and stops at the first refusal: what was done stays done (and is
/// audited), the rest is left for the next apply, which plans again from what the account then is.
/// Each minted code is recorded the moment WeChat answers, before the next call; so is each uploaded
/// file's media id, by content hash (docs/account-as-code.md#media-files).
/// </summary>
public sealed class AccountApplier(AccountApi api, IAccountRecords records, TimeProvider time, MediaUploader uploader)
{
    public async Task<ApplyResult> ApplyAsync(AccountPlan plan, IReadOnlyDictionary<string, int> tags, CancellationToken cancellationToken)
    {
        var tagIds = new Dictionary<string, int>(tags, StringComparer.Ordinal);
        var done = new List<string>();
        foreach (var step in plan.Steps)
        {
            try
            {
                done.Add(await RunAsync(step, tagIds, cancellationToken));
            }
            catch (Exception ex) when (ex is WeChatApiException or HttpRequestException or WeChatApi.Tokens.TokenUnavailableException or TaskCanceledException)
            {
                return new ApplyResult(done, $"{Describe(step)} failed: {Explain(ex)}");
            }
        }

        return new ApplyResult(done, null);
    }

    private async Task<string> RunAsync(ApplyStep step, Dictionary<string, int> tagIds, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case CreateTagStep tag:
                tagIds[tag.Name] = await api.CreateTagAsync(tag.Name, cancellationToken);
                return $"tags/create '{tag.Name}' (id {tagIds[tag.Name]})";
            case CreateMenuStep menu:
                await api.CreateMenuAsync(WireButton.Json(menu.Buttons), cancellationToken);
                return $"menu/create ({menu.Buttons.Count} buttons)";
            case DeleteConditionalStep stale:
                await api.DeleteConditionalAsync(stale.MenuId, cancellationToken);
                return $"menu/delconditional {stale.MenuId} (tag '{stale.Tag}')";
            case AddConditionalStep conditional:
                if (!tagIds.TryGetValue(conditional.Tag, out var tagId))
                {
                    throw new WeChatApiException("cgi-bin/menu/addconditional", 45159, $"tag '{conditional.Tag}' does not exist");
                }

                var menuId = await api.AddConditionalAsync(WireButton.Json(conditional.Buttons, tagId), cancellationToken);
                return $"menu/addconditional for tag '{conditional.Tag}' (menuid {menuId})";
            case UploadMediaStep upload:
                var (id, uploaded) = await uploader.UploadOnceAsync(api, upload.File.Kind, upload.File.FullPath, cancellationToken);
                return $"{upload.File.Kind.CallName} {upload.File.Kind.Name} {upload.File.File} → {id}{(uploaded ? "" : " (recorded meanwhile)")}";
            case MintCodeStep mint:
                var expires = mint.Qr.Permanent ? null : mint.Qr.Expires;
                var (ticket, url, seconds) = await api.CreateQrCodeAsync(mint.Scene, expires, cancellationToken);
                var now = time.GetUtcNow();
                DateTimeOffset? until = mint.Qr.Permanent ? null : now.AddSeconds(seconds ?? (long)expires!.Value.TotalSeconds);
                await records.SaveCodeAsync(api.Account, new MintedCode(mint.Scene, mint.Qr.Permanent, ticket, url, now, until), cancellationToken);
                return $"qrcode/create for scene '{mint.Scene}' ({(mint.Qr.Permanent ? "permanent" : $"until {until:yyyy-MM-dd HH:mm} UTC")})";
            default:
                throw new InvalidOperationException($"unknown step {step}");
        }
    }

    private static string Describe(ApplyStep step) => step switch
    {
        CreateTagStep tag => $"tags/create '{tag.Name}'",
        CreateMenuStep => "menu/create",
        DeleteConditionalStep stale => $"menu/delconditional {stale.MenuId}",
        AddConditionalStep conditional => $"menu/addconditional for tag '{conditional.Tag}'",
        MintCodeStep mint => $"qrcode/create for scene '{mint.Scene}'",
        UploadMediaStep upload => $"upload of {upload.File.Kind.Name} {upload.File.File}",
        _ => step.ToString(),
    };

    /// <summary>WeChat's code with what it means for the operator (docs/wechat-account-apis.md §1.6, §2.5, §3.3).</summary>
    public static string Explain(Exception ex) => ex switch
    {
        WeChatApiException { Code: 45029 } => "errcode 45029: the account has used all 100,000 permanent codes",
        WeChatApiException { Code: 45056 } => "errcode 45056: the account already has 100 tags",
        WeChatApiException { Code: 45157 } => "errcode 45157: a tag with this name exists (or the name is invalid)",
        WeChatApiException { Code: 45009 } => "errcode 45009: today's quota for this call is used up; try again tomorrow",
        WeChatApiException { Code: 65305 } => "errcode 65305: the account has as many conditional menus as WeChat allows",
        WeChatApiException { Code: 65306 } => "errcode 65306: conditional menus need a verified account",
        WeChatApiException { Code: 45064 } => "errcode 45064: the mini program is not linked to this account",
        WeChatApiException { Code: 45001 or 40009 or 40010 or 40011 or 40012 } tooLarge => $"errcode {tooLarge.Code}: WeChat finds the file too large for its kind",
        WeChatApiException { Code: 40004 or 40005 } badFormat => $"errcode {badFormat.Code}: WeChat does not take this file's format for its kind",
        WeChatApiException { Code: 48001 } => "errcode 48001: this account may not change menus through the API (verify it)",
        WeChatApiException api => $"errcode {api.Code} ({api.ErrMsg})",
        _ => ex.Message,
    };
}
