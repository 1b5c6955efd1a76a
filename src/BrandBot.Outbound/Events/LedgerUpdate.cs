namespace BrandBot.Outbound.Events;

/// <summary>One change a push brings to the outbound ledgers, queued on the request path and written behind it.</summary>
public abstract record LedgerUpdate(string Account, DateTimeOffset At);

/// <summary>The follower wrote (<see cref="Message"/>) or followed, scanned or clicked a menu.</summary>
public sealed record WindowOpened(string Account, string OpenId, bool Message, DateTimeOffset At) : LedgerUpdate(Account, At);

public sealed record FollowerLeft(string Account, string OpenId, DateTimeOffset At) : LedgerUpdate(Account, At);

public sealed record GrantChanged(string Account, string OpenId, string TemplateId, bool Accepted, DateTimeOffset At) : LedgerUpdate(Account, At);

public sealed record TemplateFinished(string Account, string MsgId, string Status, DateTimeOffset At) : LedgerUpdate(Account, At);
