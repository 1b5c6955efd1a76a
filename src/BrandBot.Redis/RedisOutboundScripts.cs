namespace BrandBot.Redis;

/// <summary>
/// The scripts of <see cref="RedisOutboundStore"/>. Each touches one account's keys only (one slot on
/// Cluster); keys built inside a script start from the account's outbound prefix, passed in ARGV.
/// </summary>
internal static class RedisOutboundScripts
{
    // The window rule of FollowerWindow.TryConsume, in Lua. State "msgAt,msgUsed,actAt,actUsed" (ms).
    private const string WindowFunctions = """
        local function parse(state)
          local p = {}
          if state then for x in string.gmatch(state, '[^,]+') do p[#p + 1] = tonumber(x) end end
          if #p ~= 4 then return 0, 0, 0, 0 end
          return p[1], p[2], p[3], p[4]
        end
        local function fmt(a, b, c, d) return string.format('%d,%d,%d,%d', a, b, c, d) end
        """;

    // KEYS: idem, msg, queue, age, recent, gate (the follower's window string, or grants hash), day. ARGV: id, body hash, now ms, key ttl ms, message ttl s,
    // gate (none|window|grant), gate field, msg window ms, msg allowance, action window ms, action allowance,
    // recent cap, then field/value pairs of the message.
    public const string Accept = WindowFunctions + "\n" + """
        local seen = redis.call('GET', KEYS[1])
        if seen then
          local bar = string.find(seen, '|', 1, true)
          local id = string.sub(seen, 1, bar - 1)
          if string.sub(seen, bar + 1) == ARGV[2] then return {'replayed', id} end
          return {'conflict', id}
        end
        local now = tonumber(ARGV[3])
        if ARGV[6] == 'window' then
          local m, mu, a, au = parse(redis.call('GET', KEYS[6]))
          if a > 0 and now - a <= tonumber(ARGV[10]) and au < tonumber(ARGV[11]) then
            au = au + 1
          elseif m > 0 and now - m <= tonumber(ARGV[8]) and mu < tonumber(ARGV[9]) then
            mu = mu + 1
          else
            return {'window_closed', ''}
          end
          -- Using the allowance does not move the window's end: the expiry OpenWindow set stays.
          redis.call('SET', KEYS[6], fmt(m, mu, a, au), 'KEEPTTL')
        elseif ARGV[6] == 'grant' then
          local n = tonumber(redis.call('HGET', KEYS[6], ARGV[7]) or '0')
          if n < 1 then return {'no_grant', ''} end
          redis.call('HINCRBY', KEYS[6], ARGV[7], -1)
        end
        redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[4])
        for i = 13, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
        redis.call('EXPIRE', KEYS[2], ARGV[5])
        redis.call('ZADD', KEYS[3], now, ARGV[1])
        redis.call('ZADD', KEYS[4], now, ARGV[1])
        redis.call('ZADD', KEYS[5], now, ARGV[1])
        redis.call('ZREMRANGEBYRANK', KEYS[5], 0, -tonumber(ARGV[12]) - 1)
        redis.call('HINCRBY', KEYS[7], 'queued', 1)
        redis.call('EXPIRE', KEYS[7], 400 * 86400)
        return {'accepted', ARGV[1]}
        """;

    // KEYS: queue, fence, age. ARGV: now ms, lease ms, message key prefix.
    // Returns false (nothing due), {'gone'} (a message that expired), or {fence, HGETALL}.
    public const string Claim = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
        if #ids == 0 then return false end
        local id = ids[1]
        local mk = ARGV[3] .. id
        if redis.call('EXISTS', mk) == 0 then
          redis.call('ZREM', KEYS[1], id)
          redis.call('ZREM', KEYS[3], id)
          return {'gone'}
        end
        local fence = redis.call('INCR', KEYS[2])
        redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
        redis.call('HSET', mk, 'fence', fence, 'status', 'sending')
        return {tostring(fence), redis.call('HGETALL', mk)}
        """;

    // The latest failed or unknown messages (the dashboard's): scored by when they ended, capped by count
    // and age. KEYS[1] fails; ARGV: id, now ms, cap, retention ms.
    private const string FailureFunctions = """
        local function failed(key, id, now, cap, keepMs)
          redis.call('ZADD', key, now, id)
          redis.call('ZREMRANGEBYRANK', key, 0, -tonumber(cap) - 1)
          redis.call('ZREMRANGEBYSCORE', key, '-inf', now - tonumber(keepMs))
          redis.call('PEXPIRE', key, keepMs)
        end
        """;

    // KEYS: msg, queue, age, day, fails. ARGV: id, fence, mode (retry|final|keep), due ms, day counter or '',
    // MsgID or '', prefix, MsgID ttl s, now ms, failures cap, retention ms, then field/value pairs.
    // Returns 0 (fence lost), 1, or {2, status} when a job-finish event for this MsgID came first (the caller applies it).
    public const string Update = FailureFunctions + "\n" + """
        if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[2] then return 0 end
        for i = 12, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
        if ARGV[3] == 'retry' then
          redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), ARGV[1])
        elseif ARGV[3] == 'final' then
          redis.call('ZREM', KEYS[2], ARGV[1])
          redis.call('ZREM', KEYS[3], ARGV[1])
          if ARGV[5] ~= '' then
            redis.call('HINCRBY', KEYS[4], ARGV[5], 1)
            redis.call('EXPIRE', KEYS[4], 400 * 86400)
          end
          if ARGV[5] == 'failed' or ARGV[5] == 'unknown' then failed(KEYS[5], ARGV[1], tonumber(ARGV[9]), ARGV[10], ARGV[11]) end
          if ARGV[6] ~= '' then
            redis.call('SET', ARGV[7] .. 'msgid:' .. ARGV[6], ARGV[1], 'EX', ARGV[8])
            local early = redis.call('GET', ARGV[7] .. 'finish:' .. ARGV[6])
            if early then return {2, early} end
          end
        end
        return 1
        """;

    // KEYS: msgid map, early-finish key, day, fails. ARGV: message key prefix, status, now ms, new status,
    // error sentence, early-finish ttl s, failures cap, retention ms. Returns applied | repeated | pending.
    public const string Finish = FailureFunctions + "\n" + """
        local id = redis.call('GET', KEYS[1])
        if not id then
          redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[6])
          return 'pending'
        end
        redis.call('DEL', KEYS[2])
        local mk = ARGV[1] .. id
        if redis.call('HGET', mk, 'status') ~= 'sent' then return 'repeated' end
        redis.call('HSET', mk, 'status', ARGV[4], 'finished', ARGV[3])
        if ARGV[4] == 'failed' then
          redis.call('HSET', mk, 'errmsg', ARGV[2], 'error', ARGV[5])
          failed(KEYS[4], id, tonumber(ARGV[3]), ARGV[7], ARGV[8])
        end
        redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
        redis.call('EXPIRE', KEYS[3], 400 * 86400)
        return 'applied'
        """;

    // KEYS: the follower's window. ARGV: now ms, 1 = a message, 0 = an action, message window ms, action
    // window ms. The key lives until neither allowance can apply (Retention.WindowLeft), so a follower
    // who never comes back leaves nothing behind.
    public const string OpenWindow = WindowFunctions + "\n" + """
        local now = tonumber(ARGV[1])
        local m, mu, a, au = parse(redis.call('GET', KEYS[1]))
        if ARGV[2] == '1' then m = now; mu = 0 else a = now; au = 0 end
        local ends = 0
        if m > 0 then ends = m + tonumber(ARGV[3]) end
        if a > 0 and a + tonumber(ARGV[4]) > ends then ends = a + tonumber(ARGV[4]) end
        if ends <= now then
          redis.call('DEL', KEYS[1])
          return 0
        end
        redis.call('SET', KEYS[1], fmt(m, mu, a, au), 'PX', ends - now)
        return 1
        """;
}
