using BrandBot.Account.Planning;

namespace BrandBot.Account.Menus;

/// <summary>Button by button, how one menu becomes another: buttons are matched by their path of names ("More / Website").</summary>
public static class MenuDiff
{
    public static IEnumerable<PlanChange> Lines(string kind, IReadOnlyList<WireButton> before, IReadOnlyList<WireButton> after)
    {
        var old = Flatten(before);
        var @new = Flatten(after);
        var lines = new List<PlanChange>();
        foreach (var (path, action) in @new)
        {
            var previous = old.FirstOrDefault(o => o.Path == path);
            if (previous.Path is null)
            {
                lines.Add(new('+', kind, $"button '{path}'", action));
            }
            else if (previous.Action != action)
            {
                lines.Add(new('~', kind, $"button '{path}'", $"{previous.Action} → {action}"));
            }
        }

        lines.AddRange(old.Where(o => @new.All(n => n.Path != o.Path)).Select(o => new PlanChange('-', kind, $"button '{o.Path}'", o.Action)));
        if (lines.Count == 0)
        {
            // Same buttons, another order.
            lines.Add(new('~', kind, "button order", string.Join(", ", @new.Select(n => n.Path))));
        }

        return lines;
    }

    private static List<(string Path, string Action)> Flatten(IReadOnlyList<WireButton> buttons) =>
        [.. buttons.SelectMany(b => b.Sub.Count == 0 ? [(b.Name, b.Action)] : b.Sub.Select(s => ($"{b.Name} / {s.Name}", s.Action)).Prepend((b.Name, "sub menu")))];
}
