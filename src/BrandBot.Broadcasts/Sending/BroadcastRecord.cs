namespace BrandBot.Broadcasts.Sending;

/// <summary>
/// A broadcast as BrandBot keeps it from <c>send</c> on: the prepared message (media already uploaded),
/// whom it goes to, and the state of each batch (docs/broadcasts.md#exactly-once). Every change is
/// written before the call it prepares.
/// </summary>
public sealed class BroadcastRecord
{
    public string Id { get; set; } = "";

    public string Account { get; set; } = "";

    /// <summary>Hash of content, audience, time and caps: a file with the same id and another hash is refused.</summary>
    public string DefinitionHash { get; set; } = "";

    /// <summary>Hash of the content alone; its first 8 characters go into every clientmsgid.</summary>
    public string ContentHash { get; set; } = "";

    /// <summary>text, image or mpnews.</summary>
    public string MsgType { get; set; } = "";

    /// <summary>The message's own JSON object, ready for the mass calls.</summary>
    public string ContentJson { get; set; } = "";

    /// <summary>What a person reads in status: the text's start or the first title.</summary>
    public string Summary { get; set; } = "";

    public string AudienceKind { get; set; } = "";

    /// <summary>Tag name, scene name, or null.</summary>
    public string? AudienceName { get; set; }

    public int? PerFollowerPer30Days { get; set; }

    public bool SendIgnoreReprint { get; set; }

    /// <summary>service or subscription, as configured when it was sent.</summary>
    public string AccountKind { get; set; } = "service";

    public DateTimeOffset CreatedAt { get; set; }

    public string By { get; set; } = "";

    /// <summary>When it is due; the creation time for "now".</summary>
    public DateTimeOffset DueAt { get; set; }

    public string State { get; set; } = BroadcastStates.Scheduled;

    /// <summary>Why it failed, was missed, or is stuck; for the operator.</summary>
    public string? Note { get; set; }

    /// <summary>Whether the audience was resolved into batches (at the first run, not at send).</summary>
    public bool Resolved { get; set; }

    /// <summary>Followers BrandBot can name as recipients (OpenID lists, tag members read at send time); null when unknown.</summary>
    public int? Recipients { get; set; }

    /// <summary>Named followers left out by the caps or WeChat's 4-a-month rule, as BrandBot counted them.</summary>
    public int Excluded { get; set; }

    /// <summary>The account's followers when it was sent (user/get's total), for the baseline rate.</summary>
    public long? Followers { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelledBy { get; set; }

    /// <summary>WeChat's id of the tag it goes to (tag and scene audiences), read at send time.</summary>
    public int? TagId { get; set; }

    public List<BatchRecord> Batches { get; set; } = [];
}

/// <summary>One mass call: its key, whom it names, and where it stands.</summary>
public sealed class BatchRecord
{
    public int Index { get; set; }

    public string ClientMsgId { get; set; } = "";

    /// <summary>Recipients in this batch when they are named (mass/send); 0 for a tag or everyone.</summary>
    public int Size { get; set; }

    public string State { get; set; } = BatchStates.Planned;

    public int Attempts { get; set; }

    /// <summary>When the first attempt was written: WeChat's clientmsgid protects 24 hours from here.</summary>
    public DateTimeOffset? FirstAttemptAt { get; set; }

    /// <summary>Not before this (45066, a timeout, a busy answer).</summary>
    public DateTimeOffset? RetryAt { get; set; }

    public string? MsgId { get; set; }

    public string? MsgDataId { get; set; }

    /// <summary>The msg_id came with 45065: WeChat already had this key, so the first attempt went through.</summary>
    public bool Adopted { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public int? ErrCode { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset? PolledAt { get; set; }

    /// <summary>mass/get's msg_status when the job-finish event did not come.</summary>
    public string? PollStatus { get; set; }
}

public static class BroadcastStates
{
    public const string Scheduled = "scheduled";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Finished = "finished";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";
    public const string Stuck = "stuck";
    public const string Missed = "missed";

    /// <summary>States the scheduler still looks at: due, mid-way, or waiting for results.</summary>
    public static bool IsActive(string state) => state is Scheduled or Sending or Sent;
}

public static class BatchStates
{
    public const string Planned = "planned";
    public const string Submitting = "submitting";
    public const string Submitted = "submitted";
    public const string Failed = "failed";
    public const string Stuck = "stuck";
}
