namespace BrandBot.Options;

/// <summary>
/// Work that must succeed before the host starts (loading the rules files): run by
/// <see cref="BrandBotApp.StartAsync"/> before any hosted service, so a problem it finds is printed as
/// its own lines — never inside the host's "Hosting failed to start" block with a stack trace.
/// </summary>
public interface IStartupCheck
{
    /// <exception cref="StartupProblemsException">One line per problem, naming the setting or the file and line.</exception>
    Task RunAsync(CancellationToken cancellationToken);
}
