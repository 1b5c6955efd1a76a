using BrandBot.Commands;
using BrandBot.Hosting;
using BrandBot.Options;
using Microsoft.Extensions.Options;

// `brandbot` serves the webhook; `brandbot rules …`, `simulate …` and `probe` are the operator verbs.
// Startup problems print one line each, naming the setting or the rules file line, and exit 2.
try
{
    if (Cli.IsVerb(args.FirstOrDefault()))
    {
        return await Cli.RunAsync(args, Console.Out, Console.Error);
    }

    await using var app = await BrandBotApp.BuildAsync(args);
    await BrandBotApp.StartAsync(app);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine($"configuration error: {failure}");
    }

    return 2;
}
catch (StartupProblemsException ex)
{
    foreach (var problem in ex.Problems)
    {
        Console.Error.WriteLine($"startup error: {problem}");
    }

    return 2;
}
catch (InvalidDataException ex)
{
    // A settings file that is not valid JSON.
    Console.Error.WriteLine($"configuration error: {SettingsFileError.Describe(ex)}");
    return 2;
}
