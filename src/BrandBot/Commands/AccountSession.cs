using BrandBot.Account;
using BrandBot.Delivery.Answering;
using BrandBot.Options;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Commands;

/// <summary>
/// What the account verbs talk to: WeChat's API as the account (its AppId and AppSecret from the
/// settings, <c>BrandBot:WeChatApiBaseUrl</c>), with the access token shared through the token store
/// the servers use, so a verb never makes the servers' token stale.
/// </summary>
internal sealed class AccountSession : IDisposable
{
    private readonly ServiceProvider _http;

    private AccountSession(ServiceProvider http, AccountApi api)
    {
        _http = http;
        Api = api;
    }

    public AccountApi Api { get; }

    /// <summary>Opens the session, or explains on <paramref name="error"/> why it cannot and returns null.</summary>
    public static AccountSession? Open(BrandBotOptions options, string account, ITokenStore tokens, TextWriter error)
    {
        if (CommandSettings.FindAccount(options, account) is not { } configured)
        {
            error.WriteLine($"account '{account}' is not in the settings (BrandBot:Accounts:N:Name)");
            return null;
        }

        if (string.IsNullOrEmpty(configured.AppId) || string.IsNullOrEmpty(configured.AppSecret))
        {
            error.WriteLine($"account '{account}' needs its AppId and AppSecret (BrandBot:Accounts:N:AppId, :AppSecret) to call WeChat's API");
            return null;
        }

        var services = new ServiceCollection()
            .AddSingleton(tokens)
            .AddSingleton<IWeChatApiObserver>(new ReportTokenFailures(error))
            .AddWeChatApi(options.WeChatApiBaseUrl)
            .BuildServiceProvider();
        var api = new AccountApi(
            services.GetRequiredService<AccessTokens>(), services.GetRequiredService<WeChatApiClient>(), new ApiCredentials(configured.Name, configured.AppId, configured.AppSecret));
        return new AccountSession(services, api);
    }

    public void Dispose() => _http.Dispose();
}
