using BrandBot.Protocol.Replies;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;
using BrandBot.Testing;

namespace BrandBot.Rules.Tests;

public class RulesYamlLoaderTests
{
    [Fact]
    public void Parse_ShippedExample_HasNoErrors()
    {
        var result = RulesFile.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "demo.yaml")));
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Assert.Equal(7, result.Definition!.Rules.Count);
        Assert.Equal(["flight-status"], result.Definition.Flows.Keys);
    }

    [Fact]
    public void ShippedExample_EveryWordTheFollowReplyOffers_IsAnsweredByARule()
    {
        var rules = RuleTestData.Compile(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "demo.yaml")));
        var welcome = Assert.IsType<TextReply>(Assert.IsType<StaticReply>(rules.Route(RuleTestData.Event("subscribe", null)).Replies!.Replies[0].Source).Reply).Content;
        var offered = System.Text.RegularExpressions.Regex.Matches(welcome, "'([^']+)'").Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(offered);
        foreach (var word in offered)
        {
            var route = rules.Route(RuleTestData.Text(word));
            Assert.True(route.Kind == Matching.MatchKind.Keyword, $"the welcome offers '{word}', which gets the {route.Kind} reply");
        }
    }

    [Fact]
    public void Parse_IssueFormat_ReadsEveryReplyKindAndDefaults()
    {
        var result = RulesFile.Parse("""
            follow:
              replies:
                - text: "Welcome!"
              scenes:
                poster-2026:
                  replies:
                    - text: "Thanks for scanning the spring poster"
            default:
              replies:
                - text: "Reply 'hours' for opening hours"
            rules:
              - name: hours
                keywords:
                  - equal: "hours"
                  - contain: "营业时间"
                  - regex: "^open(ing)?\\s+times?$"
                menuKeys: [ "HOURS" ]
                replies:
                  - text: "We open 9:00-21:00"
                  - news:
                      - title: "Our stores"
                        description: "Find the nearest"
                        picUrl: "https://example.com/a.jpg"
                        url: "https://example.com/stores"
                  - image: { mediaId: "MEDIA_ID" }
                  - voice: { mediaId: "MEDIA_ID" }
                  - video: { mediaId: "MEDIA_ID", title: "t", description: "d" }
                  - music: { title: "t", description: "d", musicUrl: "https://m", hqMusicUrl: "https://hq", thumbMediaId: "MEDIA_ID" }
                  - transfer: { kfAccount: "agent1@brand" }
                  - transfer: {}
            """);

        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        var rule = Assert.Single(result.Definition!.Rules);
        Assert.Equal(0, rule.Priority);
        Assert.Equal(ReplyMode.ReplyAll, rule.Replies.Mode);
        Assert.Equal([KeywordKind.Equal, KeywordKind.Contain, KeywordKind.Regex], rule.Keywords.Select(k => k.Kind));
        Assert.Equal("^open(ing)?\\s+times?$", rule.Keywords[2].Value);
        Assert.Equal(["HOURS"], rule.MenuKeys);
        var replies = rule.Replies.Replies.Cast<StaticReply>().Select(r => r.Reply).ToList();
        Assert.Equal(new TextReply("We open 9:00-21:00"), replies[0]);
        Assert.Equal("https://example.com/stores", Assert.IsType<NewsReply>(replies[1]).Articles[0].Url);
        Assert.Equal(new ImageReply("MEDIA_ID"), replies[2]);
        Assert.Equal(new VoiceReply("MEDIA_ID"), replies[3]);
        Assert.Equal(new VideoReply("MEDIA_ID", "t", "d"), replies[4]);
        Assert.Equal(new MusicReply("t", "d", "https://m", "https://hq", "MEDIA_ID"), replies[5]);
        Assert.Equal(new TransferReply("agent1@brand"), replies[6]);
        Assert.Equal(new TransferReply(), replies[7]);
        Assert.Equal("Thanks for scanning the spring poster", ((TextReply)((StaticReply)result.Definition.Follow!.Scenes["poster-2026"].Replies[0]).Reply).Content);
    }

    [Fact]
    public void Parse_SyntaxError_ReportsItsLine()
    {
        var result = RulesFile.Parse("rules:\n  - name: a\n    keywords: [ equal: \"x\"\n");
        Assert.True(result.HasErrors);
        Assert.Contains(result.Problems, p => p.Message.StartsWith("YAML syntax", StringComparison.Ordinal) && p.Line >= 3);
    }

    [Fact]
    public void Parse_UnknownKeysAndKinds_AreErrorsWithLines()
    {
        var result = RulesFile.Parse("""
            rules:
              - name: a
                keyword:
                  - equal: "x"
                keywords:
                  - startswith: "x"
                replies:
                  - sms: "x"
                mode: all
                priority: high
            """);
        var errors = result.Problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
        Assert.Contains(errors, p => p.Line == 3 && p.Message.Contains("unknown key 'keyword'"));
        Assert.Contains(errors, p => p.Line == 6 && p.Message.Contains("unknown keyword kind 'startswith'"));
        Assert.Contains(errors, p => p.Line == 8 && p.Message.Contains("unknown reply kind 'sms'"));
        Assert.Contains(errors, p => p.Line == 9 && p.Message.Contains("mode 'all'"));
        Assert.Contains(errors, p => p.Line == 10 && p.Message.Contains("priority 'high'"));
    }

    [Fact]
    public void Parse_EmptyFile_IsAnEmptyRuleSet()
    {
        var result = RulesFile.Parse("");
        Assert.False(result.HasErrors);
        Assert.Empty(result.Definition!.Rules);
    }

    [Fact]
    public void Parse_RootNotAMapping_IsAnError()
    {
        Assert.True(RulesFile.Parse("- just\n- a list\n").HasErrors);
    }
}

public class YamlTreeTests
{
    [Fact]
    public void DuplicateKey_IsASyntaxErrorOnItsLine()
    {
        var result = RulesFile.Parse("default:\n  replies: [ text: \"a\" ]\ndefault:\n  replies: [ text: \"b\" ]\n");
        Assert.Contains(result.Problems, p => p.Line == 3 && p.Message.Contains("duplicate key 'default'"));
    }

    [Fact]
    public void AnchorsAndAliases_ShareReplies()
    {
        var result = RulesFile.Parse("""
            default:
              replies: &common
                - text: "shared"
            rules:
              - { name: a, keywords: [ equal: "a" ], replies: *common }
            """);
        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Assert.Equal(new Protocol.Replies.TextReply("shared"), ((StaticReply)result.Definition!.Rules[0].Replies.Replies[0]).Reply);
    }

    [Fact]
    public void RulesReadAsTheParserReachesThem_StillYieldOnlyTheSyntaxErrorOfABrokenFile()
    {
        var result = RulesFile.Parse("rules:\n  - { name: a, keywords: [ nope: \"a\" ], replies: [ text: \"x\" ] }\n  - { name: b\n");
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("YAML syntax", problem.Message);
        Assert.Null(result.Definition);
    }

    [Theory]
    [InlineData("!![", 1)]
    [InlineData("default:\n  replies: [ text: \"d\" ]\nrules: !![\n", 3)]
    public void ATagYamlDotNetRefusesWithAnArgumentException_IsASyntaxErrorOnItsLine(string yaml, int line)
    {
        // Found by RulesFuzzTests: the parser throws ArgumentException ("Global tags must be valid URIs").
        var problem = Assert.Single(RulesFile.Parse(yaml).Problems);
        Assert.StartsWith("YAML syntax: malformed YAML", problem.Message);
        Assert.Equal(line, problem.Line);
    }

    [Fact]
    public void EntriesAroundTheStreamedRules_AreReadAndCheckedInAnyOrder()
    {
        var result = RulesFile.Parse("rules:\n  - { name: a, keywords: [ equal: \"a\" ], replies: [ text: \"x\" ] }\nstray: 1\ndefault:\n  replies: [ text: \"d\" ]\n---\nrules: []\n");
        Assert.Equal("a", Assert.Single(result.Definition!.Rules).Name);
        Assert.NotNull(result.Definition.Default);
        Assert.Contains(result.Problems, p => p.Line == 3 && p.Message.Contains("unknown key 'stray'"));
        Assert.Contains(result.Problems, p => p.Line == 7 && p.Message.Contains("one YAML document"));
    }

    [Fact]
    public void UnknownAlias_IsAnError()
    {
        Assert.True(RulesFile.Parse("default:\n  replies: *nothing\n").HasErrors);
    }

    [Fact]
    public void QuotedNull_IsText_PlainNullIsNothing()
    {
        var quoted = RulesFile.Parse("default:\n  replies: [ text: \"null\" ]\n");
        Assert.False(quoted.HasErrors);
        Assert.True(RulesFile.Parse("default:\n  replies: [ text: null ]\n").HasErrors);
    }
}
