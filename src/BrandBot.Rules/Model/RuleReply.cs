using BrandBot.Protocol.Replies;

namespace BrandBot.Rules.Model;

/// <summary>One entry of a rule's <c>replies</c> list.</summary>
public abstract record RuleReply(int Line);

/// <summary>A reply fixed in the rules file: text, news, image, voice, video, music or transfer.</summary>
public sealed record StaticReply(Reply Reply, int Line) : RuleReply(Line);

/// <summary>
/// A reply computed by the brand's own backend: BrandBot POSTs the push as JSON to <see cref="Url"/>
/// and renders the JSON answer (docs/rules-file.md).
/// </summary>
public sealed record WebhookReply(Uri Url, int TimeoutMs, int Line) : RuleReply(Line)
{
    public const int DefaultTimeoutMs = 3000;
}
