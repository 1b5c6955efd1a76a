namespace BrandBot.Dashboard;

/// <summary>Refused sign-ins from one client in one minute: how many, and why.</summary>
public sealed record SignInRefusal(DateTimeOffset Minute, string Client, int Count, IReadOnlyDictionary<string, int> Reasons);

/// <summary>
/// Refused sign-ins, kept apart from the operator audit so that no number of them can push an operator's
/// action out of it (anyone who can reach the sign-in form can cause one). Summarised: one row per
/// client per minute, at most <see cref="ClientsPerMinute"/> clients a minute (the rest share one row),
/// the newest <see cref="Capacity"/> rows kept, in this process (like the limits they come from).
/// Reasons are a fixed vocabulary; nothing the client sent is kept.
/// </summary>
public sealed class SignInRefusals(TimeProvider time)
{
    public const int Capacity = 1_000;

    public const int ClientsPerMinute = 100;

    /// <summary>The row that counts the clients beyond <see cref="ClientsPerMinute"/> in a minute.</summary>
    public const string OtherClients = "(other clients)";

    public const string WrongToken = "wrong token";
    public const string TooMany = "too many failed sign-ins";
    public const string CrossOrigin = "cross-origin";
    public const string UnexpectedHost = "unexpected Host";
    public const string TooLarge = "body too large";
    public const string Malformed = "malformed body";

    private readonly Lock _gate = new();
    private readonly LinkedList<Row> _rows = new();
    private readonly Dictionary<string, Row> _thisMinute = new(StringComparer.Ordinal);
    private long _minute = -1;

    public void Add(string client, string reason)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (_gate)
        {
            if (minute != _minute)
            {
                _minute = minute;
                _thisMinute.Clear();
            }

            if (!_thisMinute.ContainsKey(client) && _thisMinute.Count >= ClientsPerMinute)
            {
                client = OtherClients;
            }

            if (!_thisMinute.TryGetValue(client, out var row))
            {
                row = new Row(minute, client);
                _thisMinute[client] = row;
                _rows.AddLast(row);
                if (_rows.Count > Capacity)
                {
                    _rows.RemoveFirst();
                }
            }

            row.Count++;
            row.Reasons[reason] = row.Reasons.GetValueOrDefault(reason) + 1;
        }
    }

    /// <summary>The newest rows, newest first.</summary>
    public IReadOnlyList<SignInRefusal> Read(int count)
    {
        lock (_gate)
        {
            var result = new List<SignInRefusal>(Math.Min(count, _rows.Count));
            for (var node = _rows.Last; node is not null && result.Count < count; node = node.Previous)
            {
                var row = node.Value;
                result.Add(new SignInRefusal(DateTimeOffset.FromUnixTimeSeconds(row.Minute * 60), row.Client, row.Count, new Dictionary<string, int>(row.Reasons)));
            }

            return result;
        }
    }

    private sealed class Row(long minute, string client)
    {
        public long Minute { get; } = minute;

        public string Client { get; } = client;

        public int Count { get; set; }

        public Dictionary<string, int> Reasons { get; } = new(StringComparer.Ordinal);
    }
}
