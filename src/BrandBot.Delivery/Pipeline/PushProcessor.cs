using System.Globalization;
using BrandBot.Delivery.Answering;
using BrandBot.Delivery.Dedup;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Xml;
using BrandBot.Rules.Matching;
using Microsoft.Extensions.Logging;

namespace BrandBot.Delivery.Pipeline;

/// <summary>
/// One push from signature to reply: verify, check freshness, open the envelope, parse, hand the
/// message to <see cref="PushAnswerer"/>, write the reply and seal it again. Every protocol failure becomes a 4xx with a reason; anything
/// unexpected is logged and answered with <c>success</c> so the follower never sees an error banner.
/// </summary>
public sealed class PushProcessor(
    PushAnswerer answerer,
    TimeProvider time,
    FollowerHasher hasher,
    DeliveryOptions options,
    ILoggerFactory logs)
{
    private readonly ILogger logger = logs.CreateLogger(DeliveryLog.PushCategory);
    private readonly long replayWindow = options.ReplayWindowSeconds;

    public WebhookAnswer Verify(WeChatAccount account, PushQuery query, string? echostr)
    {
        if (!Signature.Verify(query.Signature, account.Token, query.Timestamp, query.Nonce))
        {
            return WebhookAnswer.Reject(401, "signature", "invalid signature");
        }

        if (string.IsNullOrEmpty(echostr))
        {
            return WebhookAnswer.Reject(400, "echostr_missing", "echostr is missing");
        }

        DeliveryLog.Verified(logger, account.Name);
        // docs/protocol.md §1.3: exactly echostr, byte for byte.
        return WebhookAnswer.Plain(echostr);
    }

    /// <param name="arrived">When the request arrived (<see cref="TimeProvider.GetTimestamp"/>); the push budget runs from there.</param>
    /// <remarks>A <see cref="ValueTask{T}"/>: most pushes are answered without waiting, and a task per push was garbage.</remarks>
    public async ValueTask<WebhookAnswer> ProcessAsync(WeChatAccount account, PushQuery query, ReadOnlyMemory<byte> body, long arrived, CancellationToken cancellationToken)
    {
        if (Admit(account, query, body, out var message, out var sealKey, out var acceptedUntil) is { } refused)
        {
            return refused;
        }

        try
        {
            // Computed once: the answerer keys the push's record with it, and a sealed reply derives its randomness from it.
            var pushKey = PushKey.Of(message);
            var outcome = await answerer.AnswerAsync(account, message, pushKey, arrived, acceptedUntil, cancellationToken);
            LogAnswer(account, message, outcome);
            return Render(account, message, pushKey, sealKey, outcome);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            DeliveryLog.PushFailed(logger, account.Name, ex);
            return WebhookAnswer.Success;
        }
    }

    /// <summary>
    /// The pure work of <see cref="ProcessAsync"/> for one push — signatures, envelope, XML, matching on
    /// <paramref name="rules"/>, the reply written and sealed — and none of its effects: no gate, record,
    /// statistics, metric, log line or backend. The start-up warm-up runs it so the JIT has compiled these
    /// methods before the first follower's push.
    /// </summary>
    internal WebhookAnswer Rehearse(WeChatAccount account, PushQuery query, ReadOnlyMemory<byte> body, CompiledRuleSet rules)
    {
        if (Admit(account, query, body, out var message, out var sealKey, out _) is { } refused)
        {
            return refused;
        }

        var route = rules.Route(message, CompiledRuleSet.NormalizedTextOf(message));
        var reply = route.Replies is { CallsBackend: false, Replies.Count: > 0 } group ? group.Replies[0].BodyFor(message.IsUserMessage) : null;
        var answer = reply is null ? RememberedAnswer.Nothing : new RememberedAnswer(PushAnswerer.ReplyCreateTime(message), reply);
        return Render(account, message, PushKey.Of(message), sealKey, new PushOutcome(answer, route));
    }

    /// <summary>
    /// Everything before the answer, shared by a push and its rehearsal: the signature, the replay check,
    /// the envelope opened and the message parsed. A refusal comes back as the answer to send; otherwise null.
    /// </summary>
    private WebhookAnswer? Admit(
        WeChatAccount account, PushQuery query, ReadOnlyMemory<byte> body, out InboundMessage message, out EnvelopeKey? sealKey, out long? acceptedUntil)
    {
        message = null!;
        sealKey = null;
        acceptedUntil = null;
        // docs/protocol.md §11.3: the three-string signature first, in every mode; nothing is parsed before it.
        if (!Signature.Verify(query.Signature, account.Token, query.Timestamp, query.Nonce))
        {
            return WebhookAnswer.Reject(401, "signature", "invalid signature");
        }

        if (ReplayProblem(query.Timestamp, out acceptedUntil) is { } stale)
        {
            return WebhookAnswer.Reject(403, "replay", stale);
        }

        try
        {
            switch (query)
            {
                case { IsEncrypted: true } when account.Crypto is null:
                    return WebhookAnswer.Reject(400, "no_aes_key", "encrypted push but the account has no EncodingAESKey");
                case { IsEncrypted: true }:
                    (message, sealKey) = OpenEncrypted(account.Crypto, account.Token, query, body);
                    break;
                case { IsPlain: true }:
                    message = InboundParser.Parse(body);
                    break;
                default:
                    return WebhookAnswer.Reject(400, "encrypt_type", "encrypt_type must be raw or aes");
            }
        }
        catch (InboundXmlException ex)
        {
            return WebhookAnswer.Reject(400, "bad_xml", "bad XML: " + ex.Reason);
        }
        catch (WeChatCryptoException ex) when (ex.Error == WeChatCryptoError.ValidateSignature)
        {
            return WebhookAnswer.Reject(401, "msg_signature", $"invalid msg_signature ({ex.Code})");
        }
        catch (WeChatCryptoException ex)
        {
            return WebhookAnswer.Reject(400, $"decrypt_{ex.Code}", $"cannot decrypt: {ex.Reason} ({ex.Code})");
        }

        return null;
    }

    /// <summary>A push signed too far from now is a replay (or a badly wrong clock); either way it is refused, with the reason.</summary>
    /// <param name="acceptedUntil">
    /// When this signature stops being accepted (Unix seconds): until then a byte-for-byte copy of the
    /// request would pass this check too. Null while the window is off.
    /// </param>
    private string? ReplayProblem(string timestamp, out long? acceptedUntil)
    {
        acceptedUntil = null;
        if (replayWindow <= 0)
        {
            return null;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "timestamp is not a number";
        }

        acceptedUntil = seconds + replayWindow;
        var skew = Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds);
        return skew > replayWindow ? $"timestamp is {skew} s from now, outside the replay window of {replayWindow} s" : null;
    }

    private static (InboundMessage Message, EnvelopeKey SealKey) OpenEncrypted(AccountCrypto crypto, string token, PushQuery query, ReadOnlyMemory<byte> body)
    {
        // docs/protocol.md §2.2: one path for compatible and safe mode; the decrypted XML is the only truth.
        // The Encrypt text stays where it is in the body (bytes, not a string) for the signature and the base64.
        // The envelope is read by a byte scan when it has WeChat's own shape, by the full reader otherwise.
        var encrypt = EncryptedEnvelope.ReadEncrypt(body);
        if (encrypt.IsEmpty)
        {
            throw new WeChatCryptoException(WeChatCryptoError.ParseXml, "Encrypt element is missing");
        }

        // docs/protocol.md §11.3: the signature is checked before anything is decrypted.
        if (!Signature.Verify(query.MsgSignature, token, query.Timestamp, query.Nonce, encrypt.Span))
        {
            throw new WeChatCryptoException(WeChatCryptoError.ValidateSignature, "msg_signature mismatch");
        }

        using var opened = crypto.Open(encrypt.Span);
        return (InboundParser.Parse(opened.Message), opened.Key);
    }

    /// <summary>
    /// The answer on the wire: the remembered reply with this push's header, sealed in encrypted modes.
    /// Every byte follows from the push and the answer (docs/exactly-once.md), so a retry gets the same bytes.
    /// </summary>
    /// <param name="pushKey"><see cref="PushKey.Of"/>(<paramref name="message"/>): its bytes are the push's identity for the reply's randomness.</param>
    private static WebhookAnswer Render(WeChatAccount account, InboundMessage message, string pushKey, EnvelopeKey? sealKey, PushOutcome outcome)
    {
        var answer = outcome.Answer;
        if (answer.IsNothing)
        {
            return outcome.FollowUp is null ? WebhookAnswer.Success : WebhookAnswer.Success with { FollowUp = outcome.FollowUp };
        }

        byte[] wire;
        if (sealKey is null)
        {
            wire = ReplyWriter.Write(message.FromUserName, message.ToUserName, answer.CreateTime, answer.Body!);
        }
        else
        {
            Span<byte> identity = stackalloc byte[PushKey.DigestLength];
            Convert.FromHexString(pushKey, identity, out _, out _);
            wire = ReplyWriter.WriteSealed(
                sealKey, account.Crypto!.AppIdBytes, account.Token, identity, message.FromUserName, message.ToUserName, answer.CreateTime, answer.Body!);
        }

        var reply = WebhookAnswer.Xml(wire);
        return outcome.FollowUp is null ? reply : reply with { FollowUp = outcome.FollowUp };
    }

    private void LogAnswer(WeChatAccount account, InboundMessage message, PushOutcome outcome)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var @event = message is EventMessage e ? e.Event : "-";
            var answer = outcome.Answer.IsNothing ? ReplyWriter.Success : outcome.Answer.MsgType;
            DeliveryLog.Answered(logger, account.Name, message.MsgType, @event, hasher.Hash(message.FromUserName), outcome.Describe(), answer);
        }
    }
}
