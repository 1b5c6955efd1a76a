using System.Diagnostics;
using BenchmarkDotNet.Running;
using BrandBot.Benchmarks;
using BrandBot.Rules.Matching;

// dotnet run -c Release --project tests/BrandBot.Benchmarks -- --filter '*'
// dotnet run -c Release --project tests/BrandBot.Benchmarks -- memory 100000
// dotnet run -c Release --project tests/BrandBot.Benchmarks -- push [RULES=10000] [PUSHES=100000] [REDIS=host:port or ""] [safe|plain]
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

if (args is ["yaml", var ruleCount])
{
    // Peak memory of loading a rules file of RULECOUNT one-keyword rules (what startup and publish do).
    var yaml = new System.Text.StringBuilder("rules:\n");
    for (var i = 0; i < int.Parse(ruleCount, System.Globalization.CultureInfo.InvariantCulture); i++)
    {
        yaml.Append($"  - {{ name: r{i}, keywords: [ equal: \"kw{i}\" ], replies: [ text: \"answer {i}\" ] }}\n");
    }

    var text = yaml.ToString();
    var watch = Stopwatch.StartNew();
    var parsed = BrandBot.Rules.Loading.RulesFile.Parse(text);
    Console.WriteLine($"yaml_mb={text.Length / 1048576.0:F1} parse_validate_ms={watch.ElapsedMilliseconds} errors={parsed.HasErrors} peak_working_set_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1}");
    return;
}

if (args is ["push", ..])
{
    // Whole pushes through the host's services: allocation and CPU per push (WholePush.cs).
    await WholePush.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000,
        args.Length > 3 ? args[3] : "",
        args.Length > 4 && args[4] == "plain" ? BrandBot.Protocol.Simulation.PushMode.Plain : BrandBot.Protocol.Simulation.PushMode.Safe);
    return;
}

if (args is ["held", var file])
{
    // What a rules file costs to hold: the parsed definition, then the compiled set alone.
    var baseline = GC.GetTotalMemory(forceFullCollection: true);
    var yamlText = File.ReadAllText(file);
    var afterText = GC.GetTotalMemory(true);
    var parsedFile = BrandBot.Rules.Loading.RulesFile.Parse(yamlText);
    var afterParse = GC.GetTotalMemory(true);
    var compiledSet = new CompiledRuleSet(parsedFile.Definition!, 1, "x");
    var afterCompile = GC.GetTotalMemory(true);
    GC.KeepAlive(parsedFile);
    parsedFile = null;
    var compiledOnly = GC.GetTotalMemory(true);
    GC.KeepAlive(compiledSet);
    GC.KeepAlive(yamlText);
    Console.WriteLine($"text_mb={(afterText - baseline) / 1048576.0:F1} parsed_mb={(afterParse - afterText) / 1048576.0:F1} compiled_mb={(afterCompile - afterParse) / 1048576.0:F1} compiled_alone_mb={(compiledOnly - afterText) / 1048576.0:F1} peak_ws_mb={Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F1}");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(MatcherBenchmarks).Assembly).Run(args);
