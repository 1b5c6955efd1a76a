using BrandBot.Account.Menus;
using BrandBot.Account.Planning;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;

namespace BrandBot.Account.Tests;

/// <summary>Planning the account from the rules file: what an empty account needs, and nothing for one that has it.</summary>
public sealed class AccountPlannerTests
{
    private const string Rules = """
        menu:
          buttons:
            - { name: "Hours", key: HOURS }
            - { name: "Shop", url: "https://example.com/shop" }
        follow:
          scenes:
            poster-2026:
              qr: { permanent: true }
              tag: spring-2026
        rules:
          - { name: hours, keywords: [ equal: "hours" ], menuKeys: [ HOURS ], replies: [ text: "9-21" ] }
        """;

    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-20T10:00:00Z");

    [Fact]
    public void EmptyAccount_GetsTheTag_TheMenu_AndTheCode_InApplyOrder()
    {
        var plan = AccountPlanner.Plan(Parse(Rules), Empty, Now);

        Assert.False(plan.IsEmpty);
        Assert.Collection(
            plan.Steps,
            step => Assert.Equal("spring-2026", Assert.IsType<CreateTagStep>(step).Name),
            step => Assert.Equal(["Hours", "Shop"], Assert.IsType<CreateMenuStep>(step).Buttons.Select(b => b.Name)),
            step => Assert.Equal("poster-2026", Assert.IsType<MintCodeStep>(step).Scene));
    }

    [Fact]
    public void AccountThatHasIt_PlansNothing()
    {
        var rules = Parse(Rules);
        var state = Empty with
        {
            DefaultMenu = WireButton.From(rules.Menu!.Buttons),
            Tags = new Dictionary<string, int> { ["spring-2026"] = 100 },
            Codes = AccountPlanner.Plan(rules, Empty, Now).Steps.OfType<MintCodeStep>()
                .ToDictionary(s => s.Scene, s => new MintedCode(s.Scene, true, "ticket", "https://weixin.qq.com/q/x", Now, null)),
        };

        var plan = AccountPlanner.Plan(rules, state, Now);

        Assert.True(plan.IsEmpty, string.Join("\n", plan.Changes));
    }

    [Fact]
    public void RenamedButton_IsOneMenuChange()
    {
        var rules = Parse(Rules);
        var before = WireButton.From(rules.Menu!.Buttons);
        var after = WireButton.From(Parse(Rules.Replace("\"Hours\"", "\"Opening hours\"")).Menu!.Buttons);

        var lines = MenuDiff.Lines("menu", before, after).ToList();

        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.ToString().Contains("Opening hours", StringComparison.Ordinal));
    }

    private static AccountState Empty { get; } = new(null, [], new Dictionary<string, int>(), new Dictionary<string, MintedCode>());

    private static RuleSetDefinition Parse(string yaml)
    {
        var parsed = RulesFile.Parse(yaml);
        Assert.False(parsed.HasErrors, string.Join("\n", parsed.Problems));
        return parsed.Definition!;
    }
}
