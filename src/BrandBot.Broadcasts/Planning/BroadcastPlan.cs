namespace BrandBot.Broadcasts.Planning;

/// <summary>What <c>send</c> would do, as lines for people; <see cref="Changes"/> counts the calls that change something on WeChat's side.</summary>
public sealed record BroadcastPlan(IReadOnlyList<string> Lines, IReadOnlyList<string> Warnings, IReadOnlyList<string> Refusals, int Changes, int? AudienceSize, IReadOnlyList<string> ClientMsgIds);
