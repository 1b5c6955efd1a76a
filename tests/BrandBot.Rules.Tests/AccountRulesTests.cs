using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Testing;

namespace BrandBot.Rules.Tests;

/// <summary>The account part of the rules file (docs/account-as-code.md): menu, QR channels and tags, read and checked with their lines.</summary>
public class AccountRulesTests
{
    private const string Full = """
        menu:
          buttons:
            - name: "门店"
              key: STORES
            - name: "More"
              sub:
                - { name: "Opening hours", key: HOURS }
                - { name: "Website", url: "https://brand.example/" }
                - { name: "Shop", miniprogram: { appid: "wx123", pagepath: "pages/index", url: "https://brand.example/shop" } }
                - { name: "Scan", scan: { key: SCAN1, wait: true } }
                - { name: "Photo", photo: { key: PHOTO1, from: camera } }
            - name: "Where"
              location: { key: LOC1 }
          byTag:
            vip:
              buttons:
                - { name: "VIP", key: STORES }
        follow:
          scenes:
            poster-2026:
              qr: { permanent: true }
              tag: spring-2026
              replies: [ text: "thanks" ]
            store-12:
              qr: { expires: 30d }
              tag: store-12
        rules:
          - name: stores
            menuKeys: [ STORES ]
            replies: [ text: "stores" ]
          - name: hours
            menuKeys: [ HOURS ]
            replies: [ text: "hours" ]
          - name: vip
            keywords: [ { contain: "vip" } ]
            tag: vip
            replies: [ text: "vip" ]
        """;

    [Fact]
    public void FullExample_LoadsWithoutErrors_AndKeepsEveryButtonKind()
    {
        var result = RulesFile.Parse(Full);
        Assert.DoesNotContain(result.Problems, p => p.Severity == ProblemSeverity.Error);
        var menu = result.Definition!.Menu!;
        Assert.Equal(["门店", "More", "Where"], menu.Buttons.Select(b => b.Name));
        Assert.Equal(
            ["click", "view", "miniprogram", "scancode_waitmsg", "pic_sysphoto"],
            menu.Buttons[1].Sub.Select(b => b.Action!.WireType));
        Assert.Equal("location_select", menu.Buttons[2].Action!.WireType);
        Assert.Equal("vip", Assert.Single(menu.ByTag).Tag);
        var channels = result.Definition.Follow!.Channels;
        Assert.True(channels["poster-2026"].Qr!.Permanent);
        Assert.Equal(TimeSpan.FromDays(30), channels["store-12"].Qr!.Expires);
        Assert.Equal("spring-2026", channels["poster-2026"].Tag);
        Assert.Equal("vip", result.Definition.Rules[2].Tag);
        Assert.Equal(["spring-2026", "store-12", "vip"], result.Definition.DeclaredTags().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Routes_CarryTheTagOfTheRuleOrScene_AlsoForAScenelessOfReplies()
    {
        var rules = new CompiledRuleSet(RulesFile.Parse("follow:\n  replies: [ text: \"welcome\" ]\n" + Full[Full.IndexOf("  scenes:", StringComparison.Ordinal)..]).Definition!);
        Assert.Equal("vip", rules.Route(RuleTestData.Text("I want vip")).Tag);
        Assert.Equal("spring-2026", rules.Route(RuleTestData.Event("subscribe", "qrscene_poster-2026")).Tag);
        var storeFollow = rules.Route(RuleTestData.Event("subscribe", "qrscene_store-12"));
        Assert.Equal(("store-12", MatchKind.Follow), (storeFollow.Tag, storeFollow.Kind));
        Assert.True(storeFollow.HasReply);
        var storeScan = rules.Route(RuleTestData.Event("SCAN", "store-12"));
        Assert.Equal("store-12", storeScan.Tag);
        Assert.False(storeScan.HasReply);
        Assert.Null(rules.Route(RuleTestData.Text("hours")).Tag);
    }

    [Theory]
    [InlineData("menu:\n  buttons: []\n", 2, "has 0 buttons")]
    [InlineData("menu:\n  buttons:\n    - { name: a, key: A }\n    - { name: b, key: B }\n    - { name: c, key: C }\n    - { name: d, key: D }\n", 2, "has 4 buttons")]
    [InlineData("menu:\n  buttons:\n    - name: p\n      sub: [ {name: a, key: A}, {name: b, key: B}, {name: c, key: C}, {name: d, key: D}, {name: e, key: E}, {name: f, key: F} ]\n", 3, "6 sub buttons")]
    [InlineData("menu:\n  buttons:\n    - { name: \"营业时间查询\", key: A }\n", 3, "18 UTF-8 bytes")]
    [InlineData("menu:\n  buttons:\n    - name: p\n      key: X\n      sub: [ { name: a, key: A } ]\n", 3, "sub buttons and its own action")]
    [InlineData("menu:\n  buttons:\n    - { name: a, key: A, url: \"https://x.example/\" }\n", 3, "more than one action")]
    [InlineData("menu:\n  buttons:\n    - { name: a }\n", 3, "needs one of")]
    [InlineData("menu:\n  buttons:\n    - { name: a, key: A }\n    - { name: b, key: A }\n", 4, "already used by the button on line 3")]
    [InlineData("menu:\n  buttons:\n    - { name: a, miniprogram: { appid: wx1, pagepath: p } }\n", 3, "miniprogram needs url")]
    [InlineData("menu:\n  buttons:\n    - { name: a, photo: { key: P, from: gallery } }\n", 3, "not one of: camera, album, any")]
    [InlineData("menu:\n  buttons:\n    - { name: a, scan: { wait: true } }\n", 3, "needs a key")]
    [InlineData("menu:\n  buttons:\n    - { name: a, url: \"ftp://x\" }\n", 3, "not an http(s) link")]
    [InlineData("follow:\n  scenes:\n    s1:\n      qr: { expires: 31d }\n", 4, "1 minute to 30 days")]
    [InlineData("follow:\n  scenes:\n    s1:\n      qr: { permanent: true, expires: 1d }\n", 4, "does not expire")]
    [InlineData("follow:\n  scenes:\n    s1:\n      qr: { expires: soon }\n", 4, "not a duration")]
    [InlineData("follow:\n  scenes:\n    s1:\n      tag: \"一二三四五六七八九十一\"\n", 4, "33 UTF-8 bytes")]
    public void AccountMistakes_AreErrorsOnTheirLine(string yaml, int line, string expected)
    {
        var problems = RulesFile.Parse(yaml).Problems;
        Assert.Contains(problems, p => p.Line == line && p.Severity == ProblemSeverity.Error && p.Message.Contains(expected));
    }

    [Fact]
    public void SceneOver64Characters_IsAnError()
    {
        var scene = new string('s', 65);
        Assert.Contains(RulesFile.Parse($"follow:\n  scenes:\n    {scene}:\n      qr: {{ permanent: true }}\n").Problems, p => p.Severity == ProblemSeverity.Error && p.Message.Contains("at most 64"));
        Assert.DoesNotContain(RulesFile.Parse($"follow:\n  scenes:\n    {scene[..64]}:\n      qr: {{ permanent: true }}\n").Problems, p => p.Severity == ProblemSeverity.Error);
    }

    [Fact]
    public void Warnings_ClickWithoutRule_MenuKeyWithoutButton_HttpLink_UndeclaredByTag()
    {
        var problems = RulesFile.Parse("""
            menu:
              buttons:
                - { name: a, key: NOBODY }
                - { name: b, url: "http://plain.example/" }
              byTag:
                gold:
                  buttons: [ { name: g, key: NOBODY } ]
            rules:
              - name: r
                menuKeys: [ GHOST ]
                replies: [ text: "x" ]
            """).Problems;
        Assert.All(problems, p => Assert.Equal(ProblemSeverity.Warning, p.Severity));
        Assert.Contains(problems, p => p.Line == 3 && p.Message.Contains("no rule has menuKeys 'NOBODY'"));
        Assert.Contains(problems, p => p.Line == 4 && p.Message.Contains("not an https link"));
        Assert.Contains(problems, p => p.Line == 6 && p.Message.Contains("tag 'gold', which no scene or rule gives"));
        Assert.Contains(problems, p => p.Line == 9 && p.Message.Contains("menu key 'GHOST' is on no button"));
    }

    [Fact]
    public void TooManyTags_IsAnError_AndMoreThan20PerFollowerAWarning()
    {
        string Scenes(int n) => "follow:\n  scenes:\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"    s{i}:\n      tag: t{i}\n"));
        var many = RulesFile.Parse(Scenes(21)).Problems;
        Assert.Contains(many, p => p.Severity == ProblemSeverity.Warning && p.Message.Contains("21 different tags"));
        Assert.DoesNotContain(many, p => p.Severity == ProblemSeverity.Error);
        Assert.DoesNotContain(RulesFile.Parse(Scenes(20)).Problems, p => p.Message.Contains("different tags"));
        Assert.Contains(RulesFile.Parse(Scenes(101)).Problems, p => p.Severity == ProblemSeverity.Error && p.Message.Contains("101 tags"));
    }

    [Fact]
    public void ConditionalMenus_LinkingToFourDomains_IsAnError()
    {
        var yaml = "menu:\n  buttons: [ { name: a, url: \"https://a.example/\" } ]\n  byTag:\n" + string.Concat(
            Enumerable.Range(0, 4).Select(i => $"    t{i}:\n      buttons: [ {{ name: b, url: \"https://d{i}.example/\" }} ]\n"));
        Assert.Contains(RulesFile.Parse(yaml).Problems, p => p.Severity == ProblemSeverity.Error && p.Message.Contains("4 domains"));
    }

    [Fact]
    public void TagsWithoutAppSecret_AreAWarning()
    {
        var problems = RuleSetValidator.Validate(RulesFile.Parse("follow:\n  scenes:\n    s:\n      tag: t\n").Definition!, hasAppSecret: false);
        Assert.Contains(problems, p => p.Message.Contains("cannot be tagged"));
    }
}
