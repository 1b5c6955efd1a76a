using BrandBot.Protocol.Replies;
using BrandBot.Rules.Import;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Model;
using static BrandBot.Testing.RuleTestData;

namespace BrandBot.Rules.Tests;

public class ConsoleImportTests
{
    private static readonly ConsoleImport.Result Imported =
        ConsoleImport.Convert(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "console-autoreply.json")));

    [Fact]
    public void Convert_DocumentedShape_GivesValidRules()
    {
        var parsed = RulesFile.Parse(Imported.Yaml);
        Assert.False(parsed.HasErrors, string.Join("\n", parsed.Problems) + "\n" + Imported.Yaml);
        Assert.Equal(["营业时间", "greeting", "greeting-2"], parsed.Definition!.Rules.Select(r => r.Name));
    }

    [Fact]
    public void Convert_KeepsMatchModesReplyModesAndReplies()
    {
        var definition = RulesFile.Parse(Imported.Yaml).Definition!;
        var rules = new CompiledRuleSet(definition);

        Assert.Equal("营业时间", rules.Route(Text("请问营业时间")).RuleName);   // contain
        Assert.Equal("营业时间", rules.Route(Text("HOURS")).RuleName);          // equal
        Assert.Equal(MatchKind.Default, rules.Route(Text("hours please")).Kind);
        var greeting = rules.Route(Text("你好")).Replies!;
        Assert.Equal(ReplyMode.RandomOne, greeting.Mode);
        Assert.Equal(
            [new TextReply("你好呀"), new ImageReply("IMG_MEDIA_ID"), new VoiceReply("VOICE_MEDIA_ID")],
            greeting.Replies.Select(r => ((StaticReply)r.Source).Reply));

        var hours = definition.Rules[0].Replies.Replies.Cast<StaticReply>().Select(r => r.Reply).ToList();
        Assert.Equal(new TextReply("每天 9:00-21:00\n节假日照常"), hours[0]);
        var article = Assert.IsType<NewsReply>(hours[1]).Articles.Single();
        Assert.Equal(new Article("门店地址", "离你最近的门店", "https://mmbiz.example.com/cover.jpg", "https://mp.example.com/s/stores"), article);
    }

    [Fact]
    public void Convert_FollowAndDefault_AreCarriedOver()
    {
        var definition = RulesFile.Parse(Imported.Yaml).Definition!;
        var rules = new CompiledRuleSet(definition);
        Assert.Equal(MatchKind.Follow, rules.Route(Event("subscribe")).Kind);
        var follow = (StaticReply)definition.Follow!.Replies!.Replies[0];
        Assert.Equal(new TextReply("感谢关注！回复\"营业时间\"查看门店信息"), follow.Reply);
        Assert.Equal(MatchKind.Default, rules.Route(Text("随便")).Kind);
    }

    [Fact]
    public void Convert_VideoUrl_BecomesATextLinkWithANote()
    {
        Assert.Contains(Imported.Notes, n => n.Contains("greeting-2") && n.Contains("video"));
        Assert.Contains("https://video.example.com/v.mp4", Imported.Yaml);
    }

    [Fact]
    public void Convert_SwitchesOff_OmitsFollowAndDefault()
    {
        var result = ConsoleImport.Convert("""{ "is_add_friend_reply_open": 0, "is_autoreply_open": 0, "add_friend_autoreply_info": { "type": "text", "content": "x" }, "message_default_autoreply_info": { "type": "text", "content": "y" } }""");
        var definition = RulesFile.Parse(result.Yaml).Definition!;
        Assert.Null(definition.Follow);
        Assert.Null(definition.Default);
    }

    [Fact]
    public void Quote_RoundTripsAwkwardText()
    {
        const string awkward = "a \"quoted\" \\ back\nslash\t😀 : # not a comment";
        var parsed = RulesFile.Parse($"default:\n  replies:\n    - text: {ConsoleImport.Quote(awkward)}\n");
        Assert.Equal(new TextReply(awkward), ((StaticReply)parsed.Definition!.Default!.Replies[0]).Reply);
    }
}
