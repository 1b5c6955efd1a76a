using BenchmarkDotNet.Attributes;
using BrandBot.Rules.Matching;

namespace BrandBot.Benchmarks;

/// <summary>
/// The claim in docs/performance.md: answering a message costs the same with 100,000 keywords as with 10. Each message
/// is normalised and looked up whole, as on the request path.
/// </summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private CompiledRuleSet _rules = null!;
    private string _hit = "";

    [Params(10, 10_000, 100_000)]
    public int Keywords { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var definition = SyntheticRules.Create(Keywords);
        _rules = new CompiledRuleSet(definition);
        // The first rule's first (equal) keyword, upper-cased and full-width: "ＳＫＵ０Ｘ…".
        _hit = new string([.. definition.Rules[0].Keywords[0].Value.ToUpperInvariant().Select(c => (char)(c + 0xFEE0))]);
        if (_rules.MatchText(_hit) is null || _rules.MatchText("请问你们周末几点开门？有没有停车位 parking please") is not null)
        {
            throw new InvalidOperationException("benchmark inputs do not hit and miss as intended");
        }
    }

    /// <summary>A typical follower question that no keyword matches: the full scan, worst case for contain.</summary>
    [Benchmark(Baseline = true)]
    public int? Miss() => _rules.MatchText("请问你们周末几点开门？有没有停车位 parking please");

    /// <summary>An exact keyword (the first rule's), in full-width letters so NFKC has work to do.</summary>
    [Benchmark]
    public int? EqualHit() => _rules.MatchText(_hit);

    [Benchmark]
    public int? ShortText() => _rules.MatchText("hi");
}

/// <summary>What publishing costs: compiling a rule set (done once per version, off the request path).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class CompileBenchmarks
{
    private BrandBot.Rules.Model.RuleSetDefinition _definition = null!;

    [Params(10, 10_000, 100_000)]
    public int Keywords { get; set; }

    [GlobalSetup]
    public void Setup() => _definition = SyntheticRules.Create(Keywords);

    [Benchmark]
    public CompiledRuleSet Compile() => new(_definition);
}
