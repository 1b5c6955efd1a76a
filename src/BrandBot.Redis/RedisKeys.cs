using StackExchange.Redis;

namespace BrandBot.Redis;

/// <summary>
/// Every Redis key BrandBot uses. The account is a hash tag (<c>{acct}</c>), so all of one account's keys
/// live in one slot on Redis Cluster and the publish script may touch them together.
/// </summary>
public static class RedisKeys
{
    /// <summary>Pub/sub channel announcing "account\nversion" after every publish.</summary>
    public static readonly RedisChannel RulesChanged = RedisChannel.Literal("brandbot:rules:changed");

    /// <summary>String: the live version as "version:contentHash" (see RuleStamp).</summary>
    public static RedisKey RulesCurrent(string account) => $"brandbot:{{{account}}}:rules:current";

    /// <summary>Hash: version number → snapshot JSON. Versions are never rewritten.</summary>
    public static RedisKey RulesVersions(string account) => $"brandbot:{{{account}}}:rules:versions";

    /// <summary>List: audit records (JSON), oldest first.</summary>
    public static RedisKey RulesAudit(string account) => $"brandbot:{{{account}}}:rules:audit";

    /// <summary>Hash: rule name → hits on <paramref name="day"/> (yyyyMMdd).</summary>
    public static RedisKey RuleHits(string account, string day) => $"brandbot:{{{account}}}:stats:{day}:rules";

    /// <summary>Hash: follow / unfollow → count on <paramref name="day"/>.</summary>
    public static RedisKey FollowEvents(string account, string day) => $"brandbot:{{{account}}}:stats:{day}:events";

    /// <summary>Hash: QR scene → follows on <paramref name="day"/>.</summary>
    public static RedisKey SceneFollows(string account, string day) => $"brandbot:{{{account}}}:stats:{day}:scenes";

    /// <summary>Hash: QR scene → SCAN events on <paramref name="day"/>.</summary>
    public static RedisKey Scans(string account, string day) => $"brandbot:{{{account}}}:stats:{day}:scans";

    /// <summary>Hash: "flow\nevent" → flow events on <paramref name="day"/> (the funnel of <c>rules stats</c>).</summary>
    public static RedisKey FlowEvents(string account, string day) => $"brandbot:{{{account}}}:stats:{day}:flows";

    /// <summary>Hash: menu key (CLICK) or link (VIEW) → taps on <paramref name="day"/>.</summary>
    public static RedisKey MenuClicks(string account, string day) => $"brandbot:{{{account}}}:stats:{day}:menu";

    /// <summary>
    /// The start every key of <paramref name="account"/> shares. The follower-events script builds from it
    /// (same slot, so it works on Cluster): <c>origin:{follower}</c> — string "scene\nunix seconds\nday" of
    /// the scene that brought a follower, kept <c>RedisHitStats.Retention</c>; <c>stats:{day}:scene-unfollows</c>
    /// — hash scene → unfollows that day of followers it brought; <c>stats:{day}:left</c> — hash
    /// "scene\nN" → of the followers a scene brought that day, how many left within N days.
    /// </summary>
    public static string AccountPrefix(string account) => $"brandbot:{{{account}}}:";

    public static RedisKey SceneUnfollows(string account, string day) => AccountPrefix(account) + $"stats:{day}:scene-unfollows";

    public static RedisKey SceneLeft(string account, string day) => AccountPrefix(account) + $"stats:{day}:left";

    /// <summary>Sorted set: normalised text no rule answered → count on <paramref name="day"/>.</summary>
    public static RedisKey Unanswered(string account, string day) => $"brandbot:{{{account}}}:stats:{day}:unanswered";

    /// <summary>String: a push's in-flight mark or remembered answer, by its hashed identity (PushKey).</summary>
    public static RedisKey Push(string account, string pushKey) => $"brandbot:{{{account}}}:push:{pushKey}";

    /// <summary>
    /// Hash: compact records (<c>CompactAnswer</c>) of pushes answered without waiting, bucketed by the
    /// push's CreateTime and the first two hex digits of its key: a retry finds the bucket from the push
    /// alone, and buckets stay small enough for Redis's compact listpack encoding (≤ 128 fields) up to
    /// ~30,000 pushes/s per account.
    /// </summary>
    public static RedisKey PushRecords(string account, string pushKey, long pushCreateTime) =>
        $"brandbot:{{{account}}}:push:r:{pushCreateTime}:{pushKey[..2]}";

    /// <summary>The field of a push in its <see cref="PushRecords"/> bucket: the next 24 hex digits of its key, as 12 bytes.</summary>
    public static RedisValue PushRecordField(string pushKey) => Convert.FromHexString(pushKey.AsSpan(2, 24));

    /// <summary>Set: hashed followers some instance found at half their limit or more in one follower window.</summary>
    public static RedisKey HotFollowers(string account, long window) => $"brandbot:{{{account}}}:rate:hot:{window}";

    /// <summary>Counter: rate-limited pushes of one (hashed) follower in one fixed window.</summary>
    public static RedisKey FollowerWindow(string account, string follower, long window) => $"brandbot:{{{account}}}:rate:f:{follower}:{window}";

    /// <summary>Counter: rate-limited pushes of the whole account in one fixed window.</summary>
    public static RedisKey AccountWindow(string account, long window) => $"brandbot:{{{account}}}:rate:a:{window}";

    /// <summary>Hash: the shared access token (value, expires, fetched in Unix ms).</summary>
    public static RedisKey Token(string account) => $"brandbot:{{{account}}}:token";

    /// <summary>String: the owner of the token refresh lock.</summary>
    public static RedisKey TokenLock(string account) => $"brandbot:{{{account}}}:token:lock";

    /// <summary>Hash: scene → the QR code minted for it (JSON: permanent, ticket, url, minted, expires).</summary>
    public static RedisKey AccountCodes(string account) => $"brandbot:{{{account}}}:account:codes";

    /// <summary>List: what each <c>account apply</c> changed (JSON), oldest first.</summary>
    public static RedisKey AccountAudit(string account) => $"brandbot:{{{account}}}:account:audit";

    /// <summary>String: the owner of the account's apply lock.</summary>
    public static RedisKey AccountLock(string account) => $"brandbot:{{{account}}}:account:lock";

    /// <summary>Sorted set: "tag\nOpenID" waiting to be tagged, scored by when it is due (Unix ms).</summary>
    public static RedisKey TagQueue(string account) => $"brandbot:{{{account}}}:tags:queue";

    /// <summary>Hash: queue member → transient failures so far.</summary>
    public static RedisKey TagAttempts(string account) => $"brandbot:{{{account}}}:tags:attempts";

    /// <summary>Set: hashes of (tag, follower) already tagged, so nobody is sent twice.</summary>
    public static RedisKey TagsDone(string account) => $"brandbot:{{{account}}}:tags:done";

    /// <summary>String: one follower's flow state (JSON, <c>rev</c> first), living the flow's timeout plus 2 minutes.</summary>
    public static RedisKey FlowState(string account, string follower) => $"brandbot:{{{account}}}:flow:s:{follower}";

    /// <summary>String: the answer the flow path gave a push (an encoded reply, or P while its backend call runs).</summary>
    public static RedisKey FlowAnswer(string account, string pushKey) => $"brandbot:{{{account}}}:flow:a:{pushKey}";

    /// <summary>Sorted set: followers (hash) whose pushes take the flow path, scored by until when (Unix ms).</summary>
    public static RedisKey FlowActive(string account) => $"brandbot:{{{account}}}:flow:active";

    /// <summary>Pub/sub channel announcing "account\nfollower\nuntil" after every flow commit.</summary>
    public static readonly RedisChannel FlowsChanged = RedisChannel.Literal("brandbot:flows:active");

    /// <summary>List: operator audit entries (JSON), newest first, trimmed to the newest 10,000.</summary>
    public static readonly RedisKey OperatorAudit = "brandbot:dashboard:audit";

    /// <summary>Hash: instance → "version\nunix seconds" it last reported answering with.</summary>
    public static RedisKey Instances(string account) => $"brandbot:{{{account}}}:instances";

    /// <summary>
    /// The start of every outbound-message key of an account (docs/outbound-messages.md#in-redis), all in its
    /// slot: <c>idem:{key}</c>, <c>msg:{id}</c> (hash), <c>queue</c> and <c>age</c> (sorted sets: due / accepted
    /// ms), <c>recent</c>, <c>fence</c>, <c>msgid:{MsgID}</c>, <c>finish:{MsgID}</c>, <c>win:{follower hash}</c>
    /// (the follower's window, expiring with it), <c>grants:{follower hash}</c> (hash template → grants),
    /// <c>day:{yyyyMMdd}</c> (hash status → count), <c>fails</c> (sorted set: the latest failed or unknown ids by end ms).
    /// </summary>
    public static string OutboundPrefix(string account) => AccountPrefix(account) + "out:";
    /// Broadcasts (docs/broadcasts.md): every key below starts <c>brandbot:{acct}:bcast:</c> — <c>record:{id}</c> string (JSON),
    /// <c>ids</c> sorted set by creation time, <c>active</c> set, <c>lease:{id}</c> / <c>fence:{id}</c> the sender's lease and
    /// fencing number, <c>list:{id}:{name}</c> OpenID lists, <c>jobs</c> hash msg_id → id, <c>finish</c> hash msg_id → result,
    /// <c>recv</c> hash OpenID → "id@unix;…" (31 days), <c>unfollows</c> hash, <c>media</c> hash content hash → id, <c>previews</c> hash.
    /// </summary>
    public static RedisKey Broadcast(string account, string part) => AccountPrefix(account) + "bcast:" + part;

    /// <summary>
    /// Media records (docs/account-as-code.md#media-files): hash record key (kind prefix + content hash, or a
    /// broadcast's draft) → media id or URL. Still the broadcasts' <c>bcast:media</c> hash, where these were
    /// first kept, so nothing uploaded before is uploaded again.
    /// </summary>
    public static RedisKey Media(string account) => Broadcast(account, "media");
}
