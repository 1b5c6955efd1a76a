using Microsoft.Playwright;

namespace BrandBot.Dashboard.Tests;

/// <summary>Reads and replaces the rules editor's text on a page (Unanswered's "Make a rule", Rules' "Edit and publish").</summary>
public static class RulesEditor
{
    public static Task<string> ReadAsync(IPage page) => page.InputValueAsync("#draft-yaml");

    public static Task WriteAsync(IPage page, string yaml) => page.FillAsync("#draft-yaml", yaml);
}
