using System.Security.Cryptography;
using System.Text;
using BrandBot.Protocol.Simulation;

namespace BrandBot.Load;

/// <summary>
/// Distinct, correctly signed pushes: every request has its own MsgId, nonce and timestamp; followers,
/// keywords and misses vary. Written one "path&lt;TAB&gt;body" per line for corpus.lua.
/// </summary>
internal static class Corpus
{
    public const string Token = "loadTestToken";
    public const string AppId = "wx1234567890abcdef";
    public const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string Hours = "We open 9:00-21:00";

    public static string Write(string directory, PushMode mode, int count, int rules, int seed)
    {
        var random = new Random(seed);
        var path = Path.Combine(directory, $"corpus-{mode.ToString().ToLowerInvariant()}-{rules}.txt");
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        var prefix = new byte[16];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            // 70% hit a rule keyword, 10% ask for hours, 20% match nothing (the default reply).
            var text = roll < 70 && rules > 0 ? $"kw{random.Next(rules)}" : roll < 80 ? "hours" : $"do you deliver to district {random.Next(1000)}?";
            // MsgIds differ between modes too: one BrandBot answers both corpora, and a repeated
            // follower + MsgId would be (rightly) answered as a retry.
            // CreateTime advances as it would in a stream of 10,000 pushes/s: push records are bucketed by it.
            var xml = SampleMessages.Text("gh_load", $"o-follower-{random.Next(20_000)}", now + (i / 10_000), text, 7_000_000_000_000_000_000L + ((long)mode * 1_000_000_000L) + i);
            random.NextBytes(prefix);
            var push = SignedPush.Create(Token, AppId, Key, mode, xml, now, (100_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), prefix);
            writer.Write("/wechat/demo?");
            writer.Write(push.Query);
            writer.Write('\t');
            writer.Write(Encoding.UTF8.GetString(push.Body).ReplaceLineEndings(""));
            writer.Write('\n');
        }

        return path;
    }

    /// <summary>A rules file with <paramref name="rules"/> keyword rules plus "hours" and a default reply.</summary>
    public static string WriteRules(string directory, int rules)
    {
        var path = Path.Combine(directory, $"rules-{rules}.yaml");
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.Write("default:\n  replies: [ text: \"Reply 'hours' for opening hours\" ]\nrules:\n");
        writer.Write($"  - {{ name: hours, priority: 1, keywords: [ equal: \"hours\" ], replies: [ text: \"{Hours}\" ] }}\n");
        for (var i = 0; i < rules; i++)
        {
            writer.Write($"  - {{ name: r{i}, keywords: [ equal: \"kw{i}\" ], replies: [ text: \"answer {i}\" ] }}\n");
        }

        return path;
    }

    /// <summary>One request that must be answered with the hours text, to check a target before loading it.</summary>
    public static (string Query, byte[] Body) Probe(PushMode mode)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var push = SignedPush.Create(Token, AppId, Key, mode, SampleMessages.Text("gh_load", "o-probe", now, "hours", 42), now, "99", RandomNumberGenerator.GetBytes(16));
        return (push.Query, push.Body);
    }
}
