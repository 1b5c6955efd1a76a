using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Xml;
using BrandBot.Rules.Matching;
using BrandBot.Testing;
using static BrandBot.Testing.RuleTestData;

namespace BrandBot.Rules.Tests;

public class CompiledRuleSetTests
{
    private const string Yaml = """
        follow:
          replies: [ text: "welcome" ]
          scenes:
            poster-2026:
              replies: [ text: "poster" ]
        default:
          replies: [ text: "default" ]
        rules:
          - name: hours
            keywords:
              - equal: "hours"
              - contain: "营业时间"
              - regex: "^open(ing)?\\s+times?$"
            menuKeys: [ "HOURS" ]
            replies: [ text: "9-21" ]
          - name: vip
            keywords: [ equal: "VIP Club" ]
            replies: [ text: "vip" ]
          - name: store-low
            keywords: [ contain: "store" ]
            replies: [ text: "low" ]
          - name: store-high
            priority: 5
            keywords: [ contain: "stores near" ]
            replies: [ text: "high" ]
          - name: tie-first
            keywords: [ contain: "tie" ]
            replies: [ text: "first" ]
          - name: tie-second
            keywords: [ contain: "tie", equal: "bow" ]
            replies: [ text: "second" ]
        """;

    private static readonly CompiledRuleSet Rules = Compile(Yaml);

    [Theory]
    [InlineData("hours", "hours")]
    [InlineData("  HOURS  ", "hours")]
    [InlineData("Ｈｏｕｒｓ", "hours")]
    [InlineData("请问营业时间是几点", "hours")]
    [InlineData("Opening  Times", "hours")]
    [InlineData("open time", "hours")]
    [InlineData("VIP Club", "vip")]
    [InlineData("ｖｉｐ　ｃｌｕｂ", "vip")]
    [InlineData("any stores near me", "store-high")]
    [InlineData("a store", "store-low")]
    [InlineData("tie", "tie-first")]
    public void Route_Text_FiresExpectedRule(string text, string rule)
    {
        var route = Rules.Route(Text(text));
        Assert.Equal(MatchKind.Keyword, route.Kind);
        Assert.Equal(rule, route.RuleName);
    }

    [Theory]
    [InlineData("hours please")]   // equal is whole-text
    [InlineData("opening times tomorrow")] // regex is anchored
    [InlineData("")]
    public void Route_TextMatchingNothing_GetsDefault(string text)
    {
        var route = Rules.Route(Text(text));
        Assert.Equal(MatchKind.Default, route.Kind);
        Assert.Equal("default", ReplyText(route, true));
    }

    [Fact]
    public void Route_VoiceWithRecognition_MatchesLikeText_WithoutGetsDefault()
    {
        Assert.Equal("hours", Rules.Route(Push("voice", ("MediaId", "m"), ("Recognition", "营业时间？"), ("MsgId", "1"))).RuleName);
        Assert.Equal(MatchKind.Default, Rules.Route(Push("voice", ("MediaId", "m"), ("MsgId", "1"))).Kind);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("video")]
    [InlineData("location")]
    [InlineData("link")]
    public void Route_OtherUserMessages_GetDefault(string msgType)
    {
        Assert.Equal(MatchKind.Default, Rules.Route(Push(msgType, ("MsgId", "1"))).Kind);
    }

    [Fact]
    public void Route_NoDefaultReply_IsNothing()
    {
        var rules = Compile("rules:\n  - name: a\n    keywords: [ equal: \"x\" ]\n    replies: [ text: \"1\" ]\n");
        Assert.Equal(MatchKind.None, rules.Route(Text("y")).Kind);
        Assert.False(rules.Route(Text("y")).HasReply);
    }

    [Fact]
    public void Route_Follow_PlainKnownSceneAndUnknownScene()
    {
        Assert.Equal("welcome", ReplyText(Rules.Route(Event("subscribe")), false));
        Assert.Equal("poster", ReplyText(Rules.Route(Event("subscribe", "qrscene_poster-2026")), false));
        Assert.Equal("welcome", ReplyText(Rules.Route(Event("subscribe", "qrscene_unknown")), false));
    }

    [Fact]
    public void Route_Scan_KnownSceneAnswers_UnknownIsNothing()
    {
        Assert.Equal("poster", ReplyText(Rules.Route(Event("SCAN", "poster-2026")), false));
        Assert.Equal(MatchKind.None, Rules.Route(Event("SCAN", "other")).Kind);
    }

    [Fact]
    public void Route_Click_KnownKeyAnswers_UnknownIsNothing()
    {
        var route = Rules.Route(Event("CLICK", "HOURS"));
        Assert.Equal(MatchKind.Menu, route.Kind);
        Assert.Equal("hours", route.RuleName);
        Assert.Equal(MatchKind.None, Rules.Route(Event("CLICK", "NOPE")).Kind);
    }

    [Theory]
    [InlineData("unsubscribe")]
    [InlineData("VIEW")]
    [InlineData("LOCATION")]
    [InlineData("TEMPLATESENDJOBFINISH")]
    [InlineData("something_new")]
    public void Route_OtherEvents_AreNothing(string name)
    {
        Assert.Equal(MatchKind.None, Rules.Route(Event(name, "HOURS")).Kind);
    }

    [Fact]
    public void RandomOne_PicksByThePushsChoice_EveryReplyReachable_SameChoiceSameReply()
    {
        var rules = Compile("rules:\n  - name: a\n    mode: random_one\n    keywords: [ equal: \"x\" ]\n    replies: [ text: \"1\", text: \"2\", text: \"3\" ]\n");
        var group = rules.Route(Text("x")).Replies!;
        var picks = Enumerable.Range(0, 300).Select(choice => group.PickPassive((ulong)choice)).ToList();
        Assert.Equal([0, 1, 2], picks.Distinct().Order());
        Assert.Equal(group.PickPassive(ulong.MaxValue), group.PickPassive(ulong.MaxValue));
        Assert.Equal((int)(ulong.MaxValue % 3), group.PickPassive(ulong.MaxValue));
    }

    [Fact]
    public void ReplyAll_PassiveReplyIsTheFirst()
    {
        var rules = Compile("rules:\n  - name: a\n    keywords: [ equal: \"x\" ]\n    replies: [ text: \"1\", text: \"2\" ]\n");
        var group = rules.Route(Text("x")).Replies!;
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(0, group.PickPassive((ulong)Random.Shared.NextInt64())));
    }

    [Fact]
    public void NewsBodies_OneArticleForMessages_UpToEightForEvents()
    {
        var articles = string.Join(", ", Enumerable.Range(1, 3).Select(i => $"{{ title: \"t{i}\" }}"));
        var rules = Compile($"rules:\n  - name: a\n    keywords: [ equal: \"x\" ]\n    menuKeys: [ K ]\n    replies: [ news: [ {articles} ] ]\n");
        var reply = rules.Route(Text("x")).Replies!.Replies[0];
        Assert.Equal("1", Read(reply.ForUserMessage!)["ArticleCount"]);
        Assert.Equal("3", Read(reply.ForEvent!)["ArticleCount"]);
    }

    [Fact]
    public void CatastrophicRegex_DoesNotHang()
    {
        var rules = Compile("rules:\n  - name: a\n    keywords: [ regex: \"^(a+)+$\" ]\n    replies: [ text: \"1\" ]\n");
        var started = System.Diagnostics.Stopwatch.StartNew();
        rules.Route(Text(new string('a', 5000) + "!"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2));
    }

    private static string? ReplyText(RouteResult route, bool userMessage) =>
        Read(route.Replies!.Replies[route.Replies.PickPassive(0)].BodyFor(userMessage)!)["Content"];

    private static PushFields Read(ReplyBody body) => PushXmlReader.Read(ReplyWriter.Write("o", "g", 1, body));
}

public class RegexPrefilterTests
{
    [Theory]
    [InlineData("order #12", "a")]
    [InlineData("REFUND 7", "b")]
    [InlineData("ab", "c")]          // backreference: backtracking engine, no combined prefilter
    [InlineData("nothing here", null)]
    public void ManyRegexes_StillMatchTheRightRule(string text, string? rule)
    {
        var withBackreference = RuleTestData.Compile("""
            rules:
              - { name: a, keywords: [ regex: "^order\\s*#\\d+$" ], replies: [ text: "a" ] }
              - { name: b, keywords: [ regex: "refund\\s+\\d" ], replies: [ text: "b" ] }
              - { name: c, keywords: [ regex: "^(a)b$|^(x)\\2$" ], replies: [ text: "c" ] }
            """);
        var combinable = RuleTestData.Compile("""
            rules:
              - { name: a, keywords: [ regex: "^order\\s*#\\d+$" ], replies: [ text: "a" ] }
              - { name: b, keywords: [ regex: "refund\\s+\\d" ], replies: [ text: "b" ] }
              - { name: c, keywords: [ regex: "^ab$" ], replies: [ text: "c" ] }
            """);
        Assert.Equal(rule, withBackreference.Route(RuleTestData.Text(text)).RuleName);
        Assert.Equal(rule, combinable.Route(RuleTestData.Text(text)).RuleName);
    }
}
