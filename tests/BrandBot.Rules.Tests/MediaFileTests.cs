using BrandBot.Protocol.Replies;
using BrandBot.Rules.Loading;
using BrandBot.Rules.Model;

namespace BrandBot.Rules.Tests;

/// <summary>Local files in the rules file (docs/rules-file.md#local-files): read with their lines, and given their ids by the media: section.</summary>
public class MediaFileTests
{
    private const string Rules = """
        rules:
          - name: poster
            keywords: [ equal: "poster" ]
            replies:
              - image: { file: posters/spring.png }
          - name: clip
            keywords: [ equal: "clip" ]
            replies:
              - video:
                  file: clips/spring.mp4
                  title: "Spring"
          - name: song
            keywords: [ equal: "song" ]
            replies:
              - music: { title: "t", musicUrl: "https://m", thumbMediaId: { file: covers/song.jpg } }
          - name: news
            keywords: [ equal: "news" ]
            replies:
              - news:
                  - { title: "Spring", picUrl: { file: posters/spring.png }, url: "https://brand.example/" }
        """;

    [Fact]
    public void LocalFiles_AreReadWithKindAndLine_AndAreNotAMissingMediaId()
    {
        var result = RulesFile.Parse(Rules);

        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Assert.Equal(
            [("image", "posters/spring.png", 5), ("video", "clips/spring.mp4", 10), ("thumb", "covers/song.jpg", 15), ("uploadimg", "posters/spring.png", 20)],
            result.Definition!.MediaFiles.Select(m => (m.Kind, m.File, m.Line)));
        Assert.All(result.Definition.MediaFiles, m => Assert.Null(m.Resolved));
        // The song's cover is a file awaiting its upload, not a missing one.
        Assert.DoesNotContain(result.Problems, p => p.Message.Contains("without thumbMediaId", StringComparison.Ordinal));
    }

    [Fact]
    public void TheMediaSection_GivesEachReplyItsId_AndWriteReplacesIt()
    {
        var media = new List<ResolvedMedia>
        {
            new("image", "posters/spring.png", new string('a', 64), "MEDIA-1", 0),
            new("video", "clips/spring.mp4", new string('b', 64), "MEDIA-2", 0),
            new("thumb", "covers/song.jpg", new string('c', 64), "MEDIA-3", 0),
            new("uploadimg", "posters/spring.png", new string('a', 64), "http://mmbiz.qpic.cn/x/0", 0),
        };

        var yaml = MediaSection.Write(Rules, media);
        var result = RulesFile.Parse(yaml);

        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Assert.All(result.Definition!.MediaFiles, m => Assert.NotNull(m.Resolved));
        var replies = result.Definition.Rules.Select(r => ((StaticReply)r.Replies.Replies[0]).Reply).ToList();
        Assert.Equal("MEDIA-1", ((ImageReply)replies[0]).MediaId);
        Assert.Equal(("MEDIA-2", "Spring"), (((VideoReply)replies[1]).MediaId, ((VideoReply)replies[1]).Title));
        Assert.Equal("MEDIA-3", ((MusicReply)replies[2]).ThumbMediaId);
        Assert.Equal("http://mmbiz.qpic.cn/x/0", ((NewsReply)replies[3]).Articles[0].PicUrl);

        // Written again with other ids, the section is replaced, not added to; the rules are untouched.
        var again = MediaSection.Write(yaml, [media[0] with { Id = "MEDIA-9" }]);
        Assert.Single(again.Split('\n'), l => l == "media:");
        Assert.StartsWith(Rules.TrimEnd(), again);
        Assert.Equal("MEDIA-9", ((ImageReply)((StaticReply)RulesFile.Parse(again).Definition!.Rules[0].Replies.Replies[0]).Reply).MediaId);
        Assert.Equal(Rules.TrimEnd() + "\n", MediaSection.Write(again, []));
    }

    [Theory]
    [InlineData("image: { file: a.png, mediaId: \"X\" }", "line 5: error: a image reply names a mediaId or a file, not both")]
    [InlineData("image: { file: { path: a.png } }", "line 5: error: file must be a single value")]
    [InlineData("news: [ { title: \"t\", picUrl: { path: a.png } } ]", "unknown key 'path' in picUrl (expected one of: file)")]
    public void AMistakenFileReference_IsReportedWithItsLine(string reply, string expected)
    {
        var result = RulesFile.Parse(Rules.Replace("image: { file: posters/spring.png }", reply));

        Assert.Contains(result.Problems, p => p.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void TheMediaSection_IsFoundAnywhereAtTheMargin_AndWriteTakesItOutWholeWithItsBlankLines()
    {
        var rules = "rules:\n  - name: a\n    keywords: [ equal: \"a\" ]\n    replies: [ image: { file: a.png } ]\n";
        var yaml = $"# the brand's rules\nmedia:\n  - {{ file: a.png, kind: image, sha256: {new string('a', 64)}, id: \"M-1\" }}\n\n  \n{rules}";

        var result = RulesFile.Parse(yaml);

        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        Assert.Equal("M-1", ((ImageReply)((StaticReply)result.Definition!.Rules[0].Replies.Replies[0]).Reply).MediaId);
        Assert.Equal(7, result.Definition.Rules[0].Line);
        Assert.Equal("# the brand's rules\n\n  \n" + rules, MediaSection.Write(yaml, []));
    }

    [Fact]
    public void AReplyWithoutMediaId_BesideAFileOnTheSameLine_IsStillReported()
    {
        var result = RulesFile.Parse("rules:\n  - name: a\n    keywords: [ equal: \"a\" ]\n    replies: [ image: { file: a.png }, voice: {} ]\n");

        var problem = Assert.Single(result.Problems, p => p.Message.EndsWith("reply needs a mediaId", StringComparison.Ordinal));
        Assert.Equal((4, "rule 'a': a voice reply needs a mediaId"), (problem.Line, problem.Message));
    }

    [Fact]
    public void AMalformedMediaEntry_IsReportedWithItsLine()
    {
        var result = RulesFile.Parse(Rules + "\nmedia:\n  - { file: posters/spring.png, kind: image }\n");

        Assert.Contains(result.Problems, p => p.Line == 22 && p.Message.Contains("needs file, kind, sha256 and id", StringComparison.Ordinal));
    }
}
