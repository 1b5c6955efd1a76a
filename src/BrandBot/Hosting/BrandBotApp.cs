using BrandBot.Logging;
using BrandBot.Options;
using BrandBot.Rules;
using BrandBot.Rules.Store;
using BrandBot.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BrandBot.Hosting;

/// <summary>Builds the web host. Program and the integration tests use the same wiring.</summary>
public static class BrandBotApp
{
    /// <summary>
    /// Creates the application. <paramref name="args"/> may carry <c>--settings FILE</c>, a JSON file
    /// layered under environment variables and the command line (which keep the last word).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The same pipeline in every environment: no developer exception page anywhere.
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production",
        });
        AddSettingsFile(builder.Configuration, args);
        // ASP.NET's request lines carry the full query string (openid, signatures): never log them,
        // whatever level an operator configures.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        builder.Services.AddBrandBot();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapHealth();
        app.MapWebhook();
        return app;
    }

    public static IServiceCollection AddBrandBot(this IServiceCollection services)
    {
        services.AddOptions<BrandBotOptions>().BindConfiguration(BrandBotOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BrandBotOptions>, BrandBotOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IEntropy, SystemEntropy>();
        services.AddSingleton(Random.Shared);
        services.AddSingleton<FollowerHasher>();
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<LiveRuleSets>();
        services.AddSingleton<IRuleStore, InMemoryRuleStore>();
        services.AddSingleton<RulesActivator>();
        services.AddHostedService<RulesFileService>();
        services.AddSingleton<PushProcessor>();
        return services;
    }

    /// <summary>Adds the JSON file named by <c>--settings</c>, then re-adds env and command line on top of it.</summary>
    public static void AddSettingsFile(IConfigurationManager configuration, string[] args)
    {
        var index = Array.IndexOf(args, "--settings");
        if (index < 0 || index + 1 >= args.Length)
        {
            return;
        }

        var path = Path.GetFullPath(args[index + 1]);
        if (!File.Exists(path))
        {
            throw new StartupProblemsException([$"--settings file '{args[index + 1]}' does not exist (resolved to {path})"]);
        }

        configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }
}
