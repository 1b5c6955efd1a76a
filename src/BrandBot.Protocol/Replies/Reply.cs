namespace BrandBot.Protocol.Replies;

/// <summary>A passive reply (docs/protocol.md §4). The header (To/From/CreateTime) is added when written.</summary>
public abstract record Reply
{
    /// <summary>The lowercase MsgType this reply is written with.</summary>
    public abstract string MsgType { get; }
}

public sealed record TextReply(string Content) : Reply
{
    public override string MsgType => "text";
}

public sealed record Article(string Title, string? Description = null, string? PicUrl = null, string? Url = null);

public sealed record NewsReply(IReadOnlyList<Article> Articles) : Reply
{
    public override string MsgType => "news";
}

public sealed record ImageReply(string MediaId) : Reply
{
    public override string MsgType => "image";
}

public sealed record VoiceReply(string MediaId) : Reply
{
    public override string MsgType => "voice";
}

public sealed record VideoReply(string MediaId, string? Title = null, string? Description = null) : Reply
{
    public override string MsgType => "video";
}

public sealed record MusicReply(string? Title, string? Description, string? MusicUrl, string? HqMusicUrl, string? ThumbMediaId) : Reply
{
    public override string MsgType => "music";
}

/// <summary>Hands the conversation to the customer-service system (docs/protocol.md §4.7).</summary>
public sealed record TransferReply(string? KfAccount = null) : Reply
{
    public override string MsgType => "transfer_customer_service";
}
