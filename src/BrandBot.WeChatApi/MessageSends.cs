using System.Text.Json;

namespace BrandBot.WeChatApi;

/// <summary>
/// The three calls that send one message to one follower (docs/outbound-messages.md#sending):
/// a template message, a subscription notification (<c>bizsend</c>) and a customer-service message.
/// Nothing here retries; the outbound sender decides what is safe to repeat.
/// </summary>
public sealed class MessageSends(WeChatApiClient api)
{
    public Task<SendAnswer> TemplateAsync(string accessToken, byte[] body, CancellationToken cancellationToken) =>
        SendAsync("cgi-bin/message/template/send", accessToken, body, cancellationToken);

    public Task<SendAnswer> SubscriptionAsync(string accessToken, byte[] body, CancellationToken cancellationToken) =>
        SendAsync("cgi-bin/message/subscribe/bizsend", accessToken, body, cancellationToken);

    /// <summary>The call the reply sender (<see cref="CustomerService"/>) makes; its answer carries no msgid.</summary>
    public async Task<SendAnswer> CustomerServiceAsync(string accessToken, byte[] body, CancellationToken cancellationToken)
    {
        var answer = await api.SendCustomMessageAsync(accessToken, body, cancellationToken);
        return new SendAnswer(answer.ErrCode, answer.ErrMsg, null);
    }

    /// <summary>
    /// True when the request cannot have reached WeChat: no connection was made (refused, unreachable,
    /// name not resolved). Anything later — a timeout, a reset, an unreadable answer — may have.
    /// </summary>
    public static bool NeverSent(HttpRequestException failure) =>
        failure.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;

    private async Task<SendAnswer> SendAsync(string path, string accessToken, byte[] body, CancellationToken cancellationToken)
    {
        using var document = await api.CallAsync(path, accessToken, body, cancellationToken);
        var root = document.RootElement;
        var (code, message) = WeChatApiClient.Error(root);
        // The template send's msgid is a JSON number; kept as text, it is the MsgID of TEMPLATESENDJOBFINISH.
        var msgId = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("msgid", out var id)
            ? id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText()
            : null;
        return new SendAnswer(code, message, msgId);
    }
}

/// <summary>A send's answer: <c>errcode</c>, <c>errmsg</c> and, for templates, <c>msgid</c>.</summary>
public sealed record SendAnswer(int ErrCode, string ErrMsg, string? MsgId)
{
    /// <summary>Refused before anything was sent, by the same codes as every other call (<see cref="ApiAnswer.IsTokenRejected"/>).</summary>
    public bool IsTokenRejected => new ApiAnswer(ErrCode, ErrMsg).IsTokenRejected;
}
