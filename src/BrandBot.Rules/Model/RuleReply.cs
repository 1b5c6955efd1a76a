using BrandBot.Protocol.Replies;

namespace BrandBot.Rules.Model;

/// <summary>One entry of a rule's <c>replies</c> list.</summary>
public abstract record RuleReply(int Line);

/// <summary>A reply fixed in the rules file: text, news, image, voice, video, music or transfer.</summary>
public sealed record StaticReply(Reply Reply, int Line) : RuleReply(Line);
