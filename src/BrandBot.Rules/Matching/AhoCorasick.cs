namespace BrandBot.Rules.Matching;

/// <summary>
/// An Aho-Corasick automaton over UTF-16 code units that answers one question: of all the patterns
/// contained in a text, which has the smallest (best) rank? One pass over the text, whatever the number
/// of patterns. Built once at publish time and immutable afterwards, so it is safe to share across threads.
/// </summary>
public sealed class AhoCorasick
{
    private const int Root = 0;
    private const int None = int.MaxValue;

    // Transitions of the trie, keyed by (state << 16 | char): one flat table instead of a dictionary
    // per node keeps 100,000 keywords within a few tens of megabytes.
    private readonly Dictionary<long, int> _goto;
    private readonly int[] _fail;
    private readonly int[] _bestRank;

    private AhoCorasick(Dictionary<long, int> transitions, int[] fail, int[] bestRank)
    {
        _goto = transitions;
        _fail = fail;
        _bestRank = bestRank;
    }

    public int PatternCount { get; private init; }

    /// <summary>Builds the automaton; a pattern that appears twice keeps its best rank.</summary>
    public static AhoCorasick Build(IEnumerable<(string Pattern, int Rank)> patterns)
    {
        var transitions = new Dictionary<long, int>();
        var own = new List<int> { None };
        var count = 0;
        foreach (var (pattern, rank) in patterns)
        {
            if (pattern.Length == 0)
            {
                continue;
            }

            count++;
            var state = Root;
            foreach (var c in pattern)
            {
                var key = Key(state, c);
                if (!transitions.TryGetValue(key, out var next))
                {
                    next = own.Count;
                    own.Add(None);
                    transitions[key] = next;
                }

                state = next;
            }

            own[state] = Math.Min(own[state], rank);
        }

        var fail = new int[own.Count];
        var best = own.ToArray();
        var children = ChildrenByState(transitions, own.Count);

        // Breadth-first: a state's failure link points to a shallower state, already final.
        var queue = new Queue<int>();
        foreach (var (_, child) in children[Root])
        {
            fail[child] = Root;
            queue.Enqueue(child);
        }

        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            foreach (var (c, child) in children[state])
            {
                var f = fail[state];
                int target;
                while (!transitions.TryGetValue(Key(f, c), out target) && f != Root)
                {
                    f = fail[f];
                }

                fail[child] = transitions.TryGetValue(Key(f, c), out target) && target != child ? target : Root;
                // Every pattern that ends at the failure state also ends here: fold its best rank in now,
                // so matching never has to walk output links.
                best[child] = Math.Min(best[child], best[fail[child]]);
                queue.Enqueue(child);
            }
        }

        return new AhoCorasick(transitions, fail, best) { PatternCount = count };
    }

    /// <summary>The best rank among patterns contained in <paramref name="text"/>, or null.</summary>
    public int? BestMatch(ReadOnlySpan<char> text)
    {
        var state = Root;
        var best = None;
        foreach (var c in text)
        {
            int next;
            while (!_goto.TryGetValue(Key(state, c), out next) && state != Root)
            {
                state = _fail[state];
            }

            state = _goto.TryGetValue(Key(state, c), out next) ? next : Root;
            if (_bestRank[state] < best)
            {
                best = _bestRank[state];
            }
        }

        return best == None ? null : best;
    }

    private static long Key(int state, char c) => ((long)state << 16) | c;

    private static List<(char C, int Child)>[] ChildrenByState(Dictionary<long, int> transitions, int states)
    {
        var children = new List<(char, int)>[states];
        for (var i = 0; i < states; i++)
        {
            children[i] = [];
        }

        foreach (var (key, child) in transitions)
        {
            children[(int)(key >> 16)].Add(((char)(key & 0xFFFF), child));
        }

        return children;
    }
}
