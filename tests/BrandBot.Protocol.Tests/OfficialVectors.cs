using System.Text.Json;

namespace BrandBot.Protocol.Tests;

/// <summary>Loads Vectors/official.json: the docs/protocol.md §7 vectors, kept as data rather than code.</summary>
public static class OfficialVectors
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static VectorFile File { get; } = JsonSerializer.Deserialize<VectorFile>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "official.json")), Options)!;

    public static TheoryData<string> SignatureIds() => [.. File.Signatures.Select(s => s.Id)];

    public static TheoryData<string> EnvelopeIds() => [.. File.Envelopes.Select(e => e.Id)];

    public static TheoryData<string> KeyNames() => [.. File.Keys.Select(k => k.EncodingAesKey)];

    public static EnvelopeVector Envelope(string id) => File.Envelopes.Single(e => e.Id == id);

    public sealed record VectorFile(List<SignatureVector> Signatures, List<KeyVector> Keys, List<EnvelopeVector> Envelopes);

    public sealed record SignatureVector(string Id, string[] Parts, string Expected);

    public sealed record KeyVector(string EncodingAesKey, string Hex);

    public sealed record EnvelopeVector(
        string Id, string Token, string EncodingAesKey, string AppId, string Timestamp, string Nonce,
        string Signature, string MsgSignature, string Encrypt, int CipherBytes, string Message, ReplyVector Reply);

    public sealed record ReplyVector(string Random, string Message, string Encrypt, string TimeStamp, string Nonce, string MsgSignature);
}
