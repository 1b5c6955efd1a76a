using BrandBot.Commands;
using BrandBot.Hosting;
using Microsoft.Extensions.Options;

// `brandbot` serves the webhook; `brandbot rules …`, `simulate …` and `probe` are the operator verbs.
// Startup problems print one line each, naming the setting or the rules file line, and exit 2.
try
{
    switch (args.FirstOrDefault())
    {
        case "rules":
            return await RulesCommands.RunAsync(args[1..], Console.Out, Console.Error);
        case "simulate":
            return await SimulateCommand.RunAsync(args[1..], Console.Out, Console.Error);
        case "probe":
            return await ProbeCommand.RunAsync(args[1..], Console.Out, Console.Error);
        case "help" or "--help" or "-h":
            Console.WriteLine("brandbot [--settings FILE] [--urls URL]   serve the webhook");
            Console.WriteLine(RulesCommands.Usage);
            Console.WriteLine(SimulateCommand.Usage);
            Console.WriteLine(ProbeCommand.Usage);
            return 0;
    }

    await using var app = await BrandBotApp.BuildAsync(args);
    await app.RunAsync();
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
    Console.Error.WriteLine($"configuration error: {ex.Message}");
    return 2;
}
