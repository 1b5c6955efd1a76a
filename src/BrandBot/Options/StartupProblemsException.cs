namespace BrandBot.Options;

/// <summary>Startup cannot go on; each line names one problem (a setting, or a rules file line).</summary>
public sealed class StartupProblemsException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
