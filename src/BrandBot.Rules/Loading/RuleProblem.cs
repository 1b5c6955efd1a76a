namespace BrandBot.Rules.Loading;

public enum ProblemSeverity
{
    Warning,
    Error,
}

/// <summary>A problem found in a rules file, located by its 1-based YAML line.</summary>
public sealed record RuleProblem(int Line, ProblemSeverity Severity, string Message)
{
    public override string ToString() =>
        $"line {Line}: {(Severity == ProblemSeverity.Error ? "error" : "warning")}: {Message}";
}
