using System.Diagnostics;
using System.Text;
using BrandBot.Rules.Loading;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BrandBot.Rules.Tests;

/// <summary>
/// Hostile input: whatever an operator (or an attacker with write access to the file) puts in
/// a rules file, the loader answers with problems and line numbers — never an exception, never a hang.
/// </summary>
public class RulesFuzzTests
{
    private static readonly string Demo = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "demo.yaml"));

    [Property(MaxTest = 1500)]
    public Property MutatedRulesFiles_AreLoadedOrReported() =>
        Prop.ForAll(Mutations().ToArbitrary(), yaml => LoadsOrReports(yaml));

    [Property(MaxTest = 1500)]
    public bool RandomText_IsLoadedOrReported(string? yaml) => LoadsOrReports(yaml ?? "");

    [Fact]
    public void AliasBomb_IsBounded()
    {
        // The YAML cousin of billion laughs: each level refers to the previous one ten times.
        var yaml = new StringBuilder("a0: &a0 [ text: \"lol\" ]\n");
        for (var i = 1; i <= 9; i++)
        {
            yaml.Append($"a{i}: &a{i} [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }

        yaml.Append("default:\n  replies: *a9\n");
        var watch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = RulesFile.Parse(yaml.ToString());

        Assert.True(result.HasErrors);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 256L * 1024 * 1024, "allocated without bound");
    }

    private static bool LoadsOrReports(string yaml)
    {
        try
        {
            var result = RulesFile.Parse(yaml);
            return result.Definition is not null || result.Problems.Count > 0;
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"the loader threw on:\n{yaml}", ex);
        }
    }

    private static Gen<string> Mutations() =>
        from kind in Gen.Choose(0, 3)
        from position in Gen.Choose(0, Demo.Length - 1)
        from length in Gen.Choose(1, 40)
        from insert in Gen.Elements(":", "- ", "&x ", "*x", "[", "{", "\t", "\"", "'", "\n  ", "!!binary ", "? ", "|", ">", "%YAML 1.1\n", "---\n", "\u0000", "😀")
        select kind switch
        {
            0 => Demo.Remove(position, Math.Min(length, Demo.Length - position)),
            1 => Demo.Insert(position, insert),
            2 => Demo[..position],
            _ => Demo.Insert(position, Demo.Substring(position, Math.Min(length, Demo.Length - position))),
        };
}
