using System.Runtime.Intrinsics;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// How one CPU's AES instructions spell the rounds of AES-256 (FIPS 197), for <see cref="IntrinsicAesCbc{TRounds}"/>.
/// Every round key is XORed exactly once, in the order 0..14, so a block is written in four steps, each
/// taking the next key: <c>First</c> (key 0), <c>Middle</c> (keys 1..12), <c>Penultimate</c> (key 13),
/// <c>Last</c> (key 14). x86 XORs key 0 and then runs whole rounds ending with the key; Arm's AESE/AESD
/// start with the key, so there the steps are "key, then the round" and the last key is a plain XOR.
/// Implemented by structs: the JIT compiles <see cref="IntrinsicAesCbc{TRounds}"/> once per struct with
/// these calls inlined, as if the class had been written out for each CPU.
/// </summary>
internal interface IAesRounds
{
    /// <summary>The implementation's name, as <see cref="AesCbc.Implementation"/> reports it.</summary>
    static abstract string Name { get; }

    /// <summary>The instructions are there and switched on (a JIT-time constant).</summary>
    static abstract bool IsSupported { get; }

    static abstract Vector128<byte> EncryptFirst(Vector128<byte> block, Vector128<byte> key);

    static abstract Vector128<byte> EncryptMiddle(Vector128<byte> state, Vector128<byte> key);

    static abstract Vector128<byte> EncryptPenultimate(Vector128<byte> state, Vector128<byte> key);

    static abstract Vector128<byte> EncryptLast(Vector128<byte> state, Vector128<byte> key);

    static abstract Vector128<byte> DecryptFirst(Vector128<byte> block, Vector128<byte> key);

    static abstract Vector128<byte> DecryptMiddle(Vector128<byte> state, Vector128<byte> key);

    static abstract Vector128<byte> DecryptPenultimate(Vector128<byte> state, Vector128<byte> key);

    static abstract Vector128<byte> DecryptLast(Vector128<byte> state, Vector128<byte> key);

    /// <summary>InvMixColumns of one round key, for the decryption ("equivalent inverse cipher") schedule.</summary>
    static abstract Vector128<byte> InverseMixColumns(Vector128<byte> roundKey);

    /// <summary>Writes the encryption round keys 0..14 (FIPS 197 §5.2, Nk = 8) into <paramref name="schedule"/> (240 bytes).</summary>
    static abstract void ExpandKey(ReadOnlySpan<byte> key, Span<byte> schedule);
}
