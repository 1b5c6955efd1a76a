using System.Text.Json;

namespace BrandBot.Protocol.Tests.Ciphers;

/// <summary>Loads Vectors/aes-cbc-256.json: NIST's AES-256-CBC known answers and Monte Carlo seeds, as data.</summary>
public static class AesCbcVectors
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static VectorFile File { get; } = JsonSerializer.Deserialize<VectorFile>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "aes-cbc-256.json")), Options)!;

    public sealed record VectorFile(List<KnownAnswer> KnownAnswers, List<MonteCarloSeed> MonteCarlo);

    public sealed record KnownAnswer(string Id, string Key, string Iv, string Plaintext, string Ciphertext);

    public sealed record MonteCarloSeed(string Id, bool Encrypt, string Key, string Iv, string Input, string Output99);
}
