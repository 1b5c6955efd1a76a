using BrandBot.Account.Media;
using BrandBot.Redis;
using BrandBot.Testing;
using StackExchange.Redis;

namespace BrandBot.IntegrationTests.RuleMedia;

/// <summary>The media records (docs/account-as-code.md#media-files) behave alike in the embedded store and on a real redis-server.</summary>
public sealed class MediaRecordsTests : RedisConnected
{
    [Theory]
    [InlineData("embedded")]
    [InlineData("redis")]
    public async Task AFileIsUploadedOncePerContentHashAndKind_PerAccount(string store)
    {
        IMediaRecords records = store == "redis" ? new RedisMediaRecords(Connection) : new InMemoryMediaRecords();
        var uploader = new MediaUploader(records);
        var api = new CountingUploads("acme");
        var file = Path.Combine(Path.GetTempPath(), "brandbot-tests", Guid.NewGuid().ToString("n") + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, [1, 2, 3]);

        var first = await uploader.UploadOnceAsync(api, MediaKind.Image, file, default);
        var again = await uploader.UploadOnceAsync(api, MediaKind.Image, file, default);
        var asPicture = await uploader.UploadOnceAsync(api, MediaKind.ArticleImage, file, default);
        var otherAccount = await uploader.UploadOnceAsync(new CountingUploads("other"), MediaKind.Image, file, default);
        await File.WriteAllBytesAsync(file, [1, 2, 4]);
        var changed = await uploader.UploadOnceAsync(api, MediaKind.Image, file, default);

        Assert.Equal(("id-1", true), first);
        Assert.Equal(("id-1", false), again);
        Assert.Equal(("url-2", true), asPicture);
        Assert.True(otherAccount.Uploaded);
        Assert.Equal(("id-3", true), changed);
        Assert.Equal(["cgi-bin/material/add_material?type=image", "cgi-bin/media/uploadimg", "cgi-bin/material/add_material?type=image"], api.Paths);
        Assert.Null(await records.GetMediaAsync("acme", MediaKind.Voice.RecordKey(MediaUploader.HashOf([1, 2, 4]))));
        Assert.Equal("id-3", await uploader.KnownAsync("acme", MediaKind.Image, MediaUploader.HashOf([1, 2, 4]), default));
    }

    private sealed class CountingUploads(string account) : IMediaUploadApi
    {
        public List<string> Paths { get; } = [];

        public string Account => account;

        public Task<System.Text.Json.JsonElement> UploadAsync(string path, string fileName, byte[] bytes, string? description, CancellationToken cancellationToken)
        {
            Paths.Add(path);
            var json = path.Contains("uploadimg", StringComparison.Ordinal) ? $$"""{"url":"url-{{Paths.Count}}"}""" : $$"""{"media_id":"id-{{Paths.Count}}"}""";
            return Task.FromResult(System.Text.Json.JsonDocument.Parse(json).RootElement.Clone());
        }
    }
}
