using BrandBot.Account.Menus;

namespace BrandBot.Account.Planning;

/// <summary>A conditional menu as WeChat holds it: its id, the tag it matches (menu/get's group_id ≡ tag_id, §1.7) and its buttons.</summary>
public sealed record ConditionalMenu(string MenuId, int TagId, IReadOnlyList<WireButton> Buttons);

/// <summary>What the account is now: read from WeChat (menus, tags) and from BrandBot's records (codes).</summary>
public sealed record AccountState(
    IReadOnlyList<WireButton>? DefaultMenu,
    IReadOnlyList<ConditionalMenu> Conditionals,
    IReadOnlyDictionary<string, int> Tags,
    IReadOnlyDictionary<string, MintedCode> Codes)
{
    /// <summary>Reads menu/get and tags/get, and the minted codes.</summary>
    public static async Task<AccountState> ReadAsync(AccountApi api, IAccountRecords records, CancellationToken cancellationToken)
    {
        var menu = api.GetMenuAsync(cancellationToken);
        var tags = api.GetTagsAsync(cancellationToken);
        var codes = records.GetCodesAsync(api.Account, cancellationToken);
        await Task.WhenAll(menu, tags, codes);

        IReadOnlyList<WireButton>? defaultMenu = null;
        var conditionals = new List<ConditionalMenu>();
        if (menu.Result is { } root)
        {
            if (root.TryGetProperty("menu", out var main) && main.TryGetProperty("button", out var buttons))
            {
                defaultMenu = WireButton.Read(buttons);
            }

            if (root.TryGetProperty("conditionalmenu", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    var rule = item.TryGetProperty("matchrule", out var r) ? r : default;
                    var tag = rule.ValueKind != System.Text.Json.JsonValueKind.Object ? null
                        : rule.TryGetProperty("tag_id", out var t) ? t.ToString()
                        : rule.TryGetProperty("group_id", out var g) ? g.ToString() : null;
                    conditionals.Add(new ConditionalMenu(
                        item.TryGetProperty("menuid", out var id) ? id.ToString() : "",
                        int.TryParse(tag, out var tagId) ? tagId : -1,
                        item.TryGetProperty("button", out var b) ? WireButton.Read(b) : []));
                }
            }
        }

        return new AccountState(defaultMenu, conditionals, tags.Result, codes.Result);
    }
}
