using BrandBot.Account.Media;
using BrandBot.Account.Planning;
using BrandBot.Rules.Loading;

namespace BrandBot.Account.Tests;

/// <summary>A rules file's local files checked against WeChat's limits before any call (docs/account-as-code.md#media-files).</summary>
public class RuleMediaFilesTests
{
    [Theory]
    [InlineData("image", "a.png", 10 * 1024 * 1024, null)]
    [InlineData("image", "a.png", 10 * 1024 * 1024 + 1, "image is 10 MB, over WeChat's 10 MB for image")]
    [InlineData("image", "a.webp", 10, "image must be bmp/png/jpeg/jpg/gif, not '.webp'")]
    [InlineData("voice", "a.amr", 2 * 1024 * 1024, null)]
    [InlineData("voice", "a.ogg", 10, "voice must be mp3/wma/wav/amr, not '.ogg'")]
    [InlineData("voice", "a.mp3", 2 * 1024 * 1024 + 1, "voice is 2 MB, over WeChat's 2 MB for voice")]
    [InlineData("video", "a.mov", 10, "video must be mp4, not '.mov'")]
    [InlineData("thumb", "a.jpg", 64 * 1024 + 1, "thumb is 64 KB, over WeChat's 64 KB for thumb")]
    [InlineData("thumb", "a.png", 10, "thumb must be jpg/jpeg, not '.png'")]
    [InlineData("uploadimg", "a.gif", 10, "uploadimg must be jpg/jpeg/png, not '.gif'")]
    [InlineData("uploadimg", "a.jpg", 1024 * 1024 + 1, "uploadimg is 1 MB, over WeChat's 1 MB for uploadimg")]
    [InlineData("image", "a.png", 0, "the file is empty")]
    public void EachKind_HasWeChatsFormatsAndSize(string kind, string name, long size, string? expected) =>
        Assert.Equal(expected, RuleMediaFiles.KindOf(kind).Problem(name, size));

    [Fact]
    public void Check_ResolvesRelativeToTheRulesFolder_AndReportsEachProblemWithItsLine()
    {
        var folder = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(folder, "posters"));
        File.WriteAllBytes(Path.Combine(folder, "posters", "ok.png"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(folder, "posters", "big.jpg"), new byte[70 * 1024]);
        var rules = RulesFile.Parse("""
            rules:
              - name: a
                keywords: [ equal: "a" ]
                replies:
                  - image: { file: posters/ok.png }
                  - music: { title: "t", musicUrl: "https://m", thumbMediaId: { file: posters/big.jpg } }
              - name: b
                keywords: [ equal: "b" ]
                replies: [ voice: { file: nowhere.mp3 } ]
              - name: c
                keywords: [ equal: "c" ]
                replies: [ image: { file: posters/ok.png } ]
            """).Definition!;

        var (files, problems) = RuleMediaFiles.Check(rules, folder);

        var file = Assert.Single(files);
        Assert.Equal((MediaKind.Image, Path.Combine(folder, "posters", "ok.png"), 3L, MediaUploader.HashOf([1, 2, 3]), "5,12"),
            (file.Kind, file.FullPath, file.Size, file.Sha256, string.Join(",", file.Lines)));
        Assert.Equal(
            ["line 6: error: thumb file 'posters/big.jpg': thumb is 70 KB, over WeChat's 64 KB for thumb", $"line 9: error: voice file 'nowhere.mp3' not found (looked at {Path.Combine(folder, "nowhere.mp3")})"],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Plan_UploadsFirst_OnlyWhatWasNotUploadedBefore()
    {
        var rules = RulesFile.Parse("rules: []").Definition!;
        var state = new AccountState(null, [], new Dictionary<string, int>(), new Dictionary<string, MintedCode>());
        RuleMediaFile File(string name) => new(MediaKind.Image, name, "/x/" + name, 2048, new string('a', 64), [1]);

        var plan = AccountPlanner.Plan(rules, state, DateTimeOffset.UnixEpoch, [new PlannedUpload(File("new.png"), false), new PlannedUpload(File("old.png"), true)]);

        var step = Assert.IsType<UploadMediaStep>(Assert.Single(plan.Steps));
        Assert.Equal("new.png", step.File.File);
        Assert.Equal("+ upload image new.png: 2 KB, sha256 aaaaaaaaaaaa", Assert.Single(plan.Changes).ToString());
        Assert.Equal("image old.png (2 KB, sha256 aaaaaaaaaaaa): unchanged", plan.Uploads[1].ToString());
    }
}
