namespace BrandBot.Broadcasts.Files;

/// <summary>WeChat's limits a broadcast file is checked against before any call (docs/broadcasts.md#wechats-rules-in-short).</summary>
public static class BroadcastLimits
{
    /// <summary>The id goes into every clientmsgid, which WeChat caps at 64 bytes (45067).</summary>
    public const int MaxIdLength = 40;

    /// <summary>draft/add: an article title of at most 32 characters.</summary>
    public const int MaxTitle = 32;

    /// <summary>The console's own limit for a text broadcast; the API's is not published.</summary>
    public const int ConsoleTextLimit = 300;

    /// <summary>Past this a text is refused outright: WeChat documents no limit, this keeps mistakes out.</summary>
    public const int MaxText = 2000;

    /// <summary>A draft holds at most eight articles.</summary>
    public const int MaxArticles = 8;

    /// <summary>Permanent image material: 10 MB, bmp/png/jpeg/jpg/gif.</summary>
    public const long MaxImageBytes = 10L * 1024 * 1024;

    /// <summary>uploadimg (images inside an article's body): jpg/png under 1 MB.</summary>
    public const long MaxBodyImageBytes = 1024 * 1024;

    /// <summary>mass/send takes 2 to 10,000 OpenIDs a call.</summary>
    public const int MaxBatch = 10_000;

    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".gif", ".bmp"];

    public static readonly string[] BodyImageExtensions = [".png", ".jpg", ".jpeg"];
}
