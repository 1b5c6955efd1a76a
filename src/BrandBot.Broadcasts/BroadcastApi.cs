using System.Text.Json;
using BrandBot.Account;
using BrandBot.WeChatApi;
using BrandBot.WeChatApi.Tokens;

namespace BrandBot.Broadcasts;

/// <summary>WeChat's answer to one call: errcode, errmsg and the whole answer.</summary>
public sealed record WeChatAnswer(int Code, string Message, JsonElement Root)
{
    public string? String(string name) => Root.ValueKind == JsonValueKind.Object && Root.TryGetProperty(name, out var value)
        ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null
        : null;
}

/// <summary>
/// One account's broadcast calls with its access token. A token WeChat rejects (40001/40014/42001) is
/// discarded and the same body sent once more — safe even for a mass send, because WeChat refuses those
/// before looking at the message, and the body keeps its clientmsgid.
/// </summary>
public sealed class BroadcastApi(AccessTokens tokens, WeChatApiClient client, ApiCredentials credentials) : Account.Media.IMediaUploadApi
{
    public string Account => credentials.Account;

    /// <param name="maxAnswerBytes"><see cref="WeChatApiClient.MaxFollowerListAnswerBytes"/> for a follower list.</param>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>: WeChat may or may not have acted.</exception>
    /// <exception cref="HttpRequestException">No JSON answer (connection lost, HTTP error).</exception>
    public async Task<WeChatAnswer> CallAsync(string path, byte[]? body, TimeSpan? timeout, CancellationToken cancellationToken, int maxAnswerBytes = WeChatApiClient.MaxAnswerBytes)
    {
        try
        {
            return await WithTokenAsync(
                async token =>
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    if (timeout is { } within)
                    {
                        limit.CancelAfter(within);
                    }

                    return await client.CallAsync(path, token, body, limit.Token, maxAnswerBytes);
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{path}: no answer within {timeout?.TotalSeconds:0.#} s");
        }
    }

    /// <summary>A call that must succeed: a non-zero errcode throws <see cref="WeChatApiException"/>.</summary>
    public async Task<WeChatAnswer> CallOkAsync(string path, byte[]? body, CancellationToken cancellationToken, int maxAnswerBytes = WeChatApiClient.MaxAnswerBytes)
    {
        var answer = await CallAsync(path, body, null, cancellationToken, maxAnswerBytes);
        return answer.Code == 0 ? answer : throw new WeChatApiException(path, answer.Code, answer.Message);
    }

    /// <summary>An upload (material/add_material, media/uploadimg) for the shared <see cref="Account.Media.MediaUploader"/>; a non-zero errcode throws.</summary>
    public async Task<JsonElement> UploadAsync(string path, string fileName, byte[] bytes, string? description, CancellationToken cancellationToken)
    {
        var answer = await WithTokenAsync(token => client.UploadAsync(path, token, fileName, bytes, cancellationToken, description), cancellationToken);
        return answer.Code == 0 ? answer.Root : throw new WeChatApiException(path, answer.Code, answer.Message);
    }

    /// <summary>Makes <paramref name="call"/> with the account's token, once more with a fresh one if WeChat rejects it.</summary>
    private async Task<WeChatAnswer> WithTokenAsync(Func<string, Task<JsonDocument>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(credentials, cancellationToken);
            using var document = await call(token);
            var (code, message) = WeChatApiClient.Error(document.RootElement);
            if (new ApiAnswer(code, message).IsTokenRejected && attempt == 0)
            {
                await tokens.DiscardAsync(credentials, token);
                continue;
            }

            return new WeChatAnswer(code, message, document.RootElement.Clone());
        }
    }
}
