using BrandBot.Rules.Model;

namespace BrandBot.Rules.Loading;

/// <summary>The outcome of reading and validating one rules file.</summary>
public sealed record RulesFileResult(RuleSetDefinition? Definition, IReadOnlyList<RuleProblem> Problems)
{
    public bool HasErrors => Definition is null || Problems.Any(p => p.Severity == ProblemSeverity.Error);
}

public static class RulesFile
{
    /// <summary>Loads and validates YAML text: every structural and semantic problem, in line order.</summary>
    public static RulesFileResult Parse(string yaml, bool hasAppSecret = true)
    {
        var (definition, problems) = RulesYamlLoader.Load(yaml);
        if (definition is not null)
        {
            problems.AddRange(RuleSetValidator.Validate(definition, hasAppSecret));
        }

        return new RulesFileResult(definition, [.. problems.OrderBy(p => p.Line)]);
    }
}
