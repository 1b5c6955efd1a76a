using BrandBot.Account.Media;
using BrandBot.Account.Menus;
using BrandBot.Rules.Model;

namespace BrandBot.Account.Planning;

/// <summary>
/// Compares what the rules file declares with what the account is, and lists the calls that close
/// the gap, in the order WeChat needs (docs/wechat-account-apis.md §1.8 item 7, §6): missing tags first (a
/// conditional menu names a tag by id), then the default menu (conditional menus need one), then
/// stale conditional menus deleted, then the declared ones added — the first listed last, because
/// WeChat matches the newest first — and finally codes to mint. Tags WeChat has that the file does
/// not name are left alone: operators and CRMs create tags too. Local files the replies name come
/// first, each uploaded only when its bytes never were (docs/account-as-code.md#media-files).
/// </summary>
public static class AccountPlanner
{
    /// <param name="uploads">The rules' local files and whether each was uploaded before; none when null.</param>
    public static AccountPlan Plan(RuleSetDefinition rules, AccountState state, DateTimeOffset now, IReadOnlyList<PlannedUpload>? uploads = null)
    {
        var changes = new List<PlanChange>();
        var steps = new List<ApplyStep>();
        foreach (var upload in uploads?.Where(u => !u.Unchanged) ?? [])
        {
            changes.Add(new('+', "upload", $"{upload.File.Kind.Name} {upload.File.File}", $"{MediaKind.Size(upload.File.Size)}, sha256 {upload.File.ShortHash}"));
            steps.Add(new UploadMediaStep(upload.File));
        }

        foreach (var tag in rules.DeclaredTags().Keys.Where(t => !state.Tags.ContainsKey(t)))
        {
            changes.Add(new('+', "tag", $"'{tag}'", ""));
            steps.Add(new CreateTagStep(tag));
        }

        if (rules.Menu is { } menu)
        {
            PlanMenus(menu, state, changes, steps);
        }

        foreach (var channel in rules.Follow?.Channels.Values.Where(c => c.Qr is not null) ?? [])
        {
            PlanCode(channel, state.Codes.GetValueOrDefault(channel.Scene), now, changes, steps);
        }

        return new AccountPlan(changes, steps) { Uploads = uploads ?? [] };
    }

    private static void PlanMenus(MenuDefinition menu, AccountState state, List<PlanChange> changes, List<ApplyStep> steps)
    {
        var wanted = WireButton.From(menu.Buttons);
        var current = state.DefaultMenu ?? [];
        if (state.DefaultMenu is null || WireButton.Canonical(wanted) != WireButton.Canonical(current))
        {
            changes.AddRange(MenuDiff.Lines("menu", current, wanted));
            steps.Add(new CreateMenuStep(wanted));
        }

        var names = state.Tags.ToDictionary(t => t.Value, t => t.Key);
        string NameOf(int tagId) => names.TryGetValue(tagId, out var name) ? name : $"#{tagId}";
        var desired = menu.ByTag.Select(m => (m.Tag, Buttons: (IReadOnlyList<WireButton>)WireButton.From(m.Buttons))).ToList();
        // WeChat matches the newest conditional menu first; the file lists the strongest first.
        var effective = state.Conditionals.Reverse().Select(c => (Tag: NameOf(c.TagId), c.Buttons)).ToList();
        var same = effective.Count == desired.Count && effective.Zip(desired).All(p =>
            p.First.Tag == p.Second.Tag && WireButton.Canonical(p.First.Buttons) == WireButton.Canonical(p.Second.Buttons));
        if (same)
        {
            return;
        }

        foreach (var stale in state.Conditionals)
        {
            var tag = NameOf(stale.TagId);
            if (desired.All(d => d.Tag != tag))
            {
                changes.Add(new('-', "conditional menu", $"for tag '{tag}'", $"menuid {stale.MenuId}"));
            }

            steps.Add(new DeleteConditionalStep(stale.MenuId, tag));
        }

        foreach (var (tag, buttons) in desired)
        {
            var before = effective.FirstOrDefault(e => e.Tag == tag).Buttons;
            changes.Add(before is null
                ? new('+', "conditional menu", $"for tag '{tag}'", $"{buttons.Count} buttons")
                : WireButton.Canonical(before) == WireButton.Canonical(buttons)
                    ? new('~', "conditional menu", $"for tag '{tag}'", "added again to keep the order of precedence")
                    : new('~', "conditional menu", $"for tag '{tag}'", string.Join("; ", MenuDiff.Lines("", before, buttons).Select(l => l.ToString().Trim()))));
        }

        for (var i = desired.Count - 1; i >= 0; i--)
        {
            steps.Add(new AddConditionalStep(desired[i].Tag, desired[i].Buttons));
        }
    }

    private static void PlanCode(ChannelDefinition channel, MintedCode? minted, DateTimeOffset now, List<PlanChange> changes, List<ApplyStep> steps)
    {
        var qr = channel.Qr!;
        string? why = minted switch
        {
            // A permanent code is minted once per scene, ever (the account has 100,000 of them).
            { Permanent: true } => null,
            null => qr.Permanent ? "permanent" : $"temporary, {Days(qr.Expires!.Value)}",
            _ when qr.Permanent => "permanent (the scene had a temporary code)",
            _ when minted.IsExpired(now) => $"temporary, {Days(qr.Expires!.Value)}; the last one expired {minted.ExpiresAt:yyyy-MM-dd HH:mm} UTC",
            _ => null,
        };
        if (why is not null)
        {
            changes.Add(new('+', "code", $"for scene '{channel.Scene}'", why));
            steps.Add(new MintCodeStep(channel.Scene, qr));
        }
    }

    private static string Days(TimeSpan life) => life.TotalDays >= 1 && life.TotalDays % 1 == 0 ? $"{life.TotalDays:0} days" : $"{life.TotalHours:0.##} hours";
}
