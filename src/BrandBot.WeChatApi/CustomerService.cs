using BrandBot.Protocol.Replies;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.WeChatApi;

/// <summary>
/// Sends replies to a follower through the customer-service API, in order, each at most once:
/// a send whose fate is unknown (timeout, broken connection) is never repeated, and a refusal that
/// would refuse the rest too (45015 outside the window, 45047 quota) stops the sequence. Only a
/// token rejection (40001/42001), which WeChat answers before delivering, is tried once more with a
/// newly read token.
/// </summary>
public sealed class CustomerService(AccessTokens tokens, WeChatApiClient api, IWeChatApiObserver observer)
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    /// <param name="credentials">Null when the account has no AppSecret: every reply is recorded as <c>no_appsecret</c>.</param>
    /// <returns>One outcome per reply, in order (see <see cref="IWeChatApiObserver.CustomerServiceSent"/>); replies after a stop are <c>skipped</c>.</returns>
    public async Task<IReadOnlyList<string>> SendAsync(
        string account, ApiCredentials? credentials, string openId, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        using var activity = WeChatApiTracing.Source.StartActivity("brandbot.customer_service");
        activity?.SetTag("brandbot.account", account);
        var outcomes = new List<string>(replies.Count);
        var stopped = false;
        foreach (var reply in replies)
        {
            string outcome;
            string? detail = null;
            if (stopped)
            {
                outcome = "skipped";
            }
            else if (credentials is null)
            {
                outcome = "no_appsecret";
                detail = "the account has no AppSecret: set BrandBot:Accounts:N:AppSecret to send the rest of a reply_all group and late backend replies, or give the rule a single reply";
            }
            else if (CustomerServiceMessage.Json(openId, reply) is not { } json)
            {
                outcome = "unsupported";
            }
            else
            {
                (outcome, detail) = await SendOneAsync(credentials, json, cancellationToken);
                stopped = outcome != "sent";
            }

            outcomes.Add(outcome);
            if (outcome != "skipped")
            {
                observer.CustomerServiceSent(account, outcome, detail);
            }
        }

        activity?.SetTag("brandbot.outcomes", string.Join(',', outcomes));
        return outcomes;
    }

    /// <returns>The outcome label, and what the failure said (null when sent).</returns>
    private async Task<(string Outcome, string? Detail)> SendOneAsync(ApiCredentials credentials, byte[] json, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            string token;
            try
            {
                token = await tokens.GetAsync(credentials, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // TokenUnavailableException, or the shared store is away: either way nothing was sent.
                return ("no_token", ex.Message);
            }

            ApiAnswer answer;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(SendTimeout);
                answer = await api.SendCustomMessageAsync(token, json, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return ("failed", ex is OperationCanceledException ? $"no answer within {SendTimeout.TotalSeconds:F0} s" : ex.Message);
            }

            if (answer.IsTokenRejected && attempt == 0)
            {
                await tokens.DiscardAsync(credentials, token);
                continue;
            }

            var outcome = answer.ErrCode switch
            {
                0 => "sent",
                45015 => "out_of_window",
                45047 => "quota",
                var code => $"error_{code}",
            };
            return (outcome, answer.ErrCode == 0 ? null : $"errcode {answer.ErrCode}: {answer.ErrMsg}");
        }
    }
}
