using System.Diagnostics;
using BenchmarkDotNet.Running;
using BrandBot.Benchmarks;
using BrandBot.Rules.Matching;

// dotnet run -c Release --project tests/BrandBot.Benchmarks -- --filter '*'
// dotnet run -c Release --project tests/BrandBot.Benchmarks -- memory 100000
if (args is ["memory", var count])
{
    // Memory held by a compiled rule set of COUNT keywords, and the process peak while building it.
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var watch = Stopwatch.StartNew();
    var rules = new CompiledRuleSet(SyntheticRules.Create(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)));
    var compileMs = watch.ElapsedMilliseconds;
    var held = GC.GetTotalMemory(forceFullCollection: true) - before;
    GC.KeepAlive(rules);
    Console.WriteLine($"keywords={rules.KeywordCount} compile_ms={compileMs} held_mb={held / 1048576.0:F1} peak_working_set_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1}");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(MatcherBenchmarks).Assembly).Run(args);
