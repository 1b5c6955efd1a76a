using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// AES-256-CBC on the CPU's AES instructions (FIPS 197 rounds in hardware: constant time, no tables),
/// the same code for every instruction set: <typeparamref name="TRounds"/> spells the rounds.
/// Decryption runs eight blocks at a time — CBC decryption has no chain between blocks' rounds, so the
/// CPU overlaps them — and encryption, which chains, one block at a time.
/// </summary>
internal sealed class IntrinsicAesCbc<TRounds> : AesCbc
    where TRounds : struct, IAesRounds
{
    private const int Rounds = 14;
    private const int Width = 8;

    // Encryption round keys 0..14, then the decryption ("equivalent inverse cipher") keys 0..14.
    private readonly byte[] _roundKeys = AllocateRoundKeys(2 * (Rounds + 1) * BlockLength);

    public IntrinsicAesCbc(ReadOnlySpan<byte> key)
    {
        var schedule = _roundKeys.AsSpan();
        TRounds.ExpandKey(key, schedule[..((Rounds + 1) * BlockLength)]);

        // FIPS 197 §5.3.5: the forward keys in reverse order, the inner ones through InvMixColumns.
        var inverse = schedule[((Rounds + 1) * BlockLength)..];
        schedule.Slice(Rounds * BlockLength, BlockLength).CopyTo(inverse);
        for (var round = 1; round < Rounds; round++)
        {
            var k = Vector128.Create((ReadOnlySpan<byte>)schedule.Slice((Rounds - round) * BlockLength, BlockLength));
            TRounds.InverseMixColumns(k).CopyTo(inverse[(round * BlockLength)..]);
        }

        schedule[..BlockLength].CopyTo(inverse[(Rounds * BlockLength)..]);
    }

    public override string Implementation => TRounds.Name;

    protected override void EncryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ref var keys = ref _roundKeys[0];
        var k0 = Key(ref keys, 0);
        var chain = Vector128.LoadUnsafe(ref At(iv));
        ref var from = ref At(source);
        ref var to = ref At(destination);
        for (nuint at = 0; at < (nuint)source.Length; at += BlockLength)
        {
            var state = TRounds.EncryptFirst(Vector128.LoadUnsafe(ref from, at) ^ chain, k0);
            for (var round = 1; round < Rounds - 1; round++)
            {
                state = TRounds.EncryptMiddle(state, Key(ref keys, round));
            }

            state = TRounds.EncryptPenultimate(state, Key(ref keys, Rounds - 1));
            chain = TRounds.EncryptLast(state, Key(ref keys, Rounds));
            chain.StoreUnsafe(ref to, at);
        }
    }

    protected override void DecryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ref var keys = ref _roundKeys[(Rounds + 1) * BlockLength];
        var chain = Vector128.LoadUnsafe(ref At(iv));
        ref var from = ref At(source);
        ref var to = ref At(destination);
        var length = (nuint)source.Length;
        nuint at = 0;
        var k0 = Key(ref keys, 0);
        for (; at + (Width * BlockLength) <= length; at += Width * BlockLength)
        {
            // Every ciphertext block is read before any plaintext is written: decrypting in place is safe.
            var c0 = Vector128.LoadUnsafe(ref from, at);
            var c1 = Vector128.LoadUnsafe(ref from, at + 16);
            var c2 = Vector128.LoadUnsafe(ref from, at + 32);
            var c3 = Vector128.LoadUnsafe(ref from, at + 48);
            var c4 = Vector128.LoadUnsafe(ref from, at + 64);
            var c5 = Vector128.LoadUnsafe(ref from, at + 80);
            var c6 = Vector128.LoadUnsafe(ref from, at + 96);
            var c7 = Vector128.LoadUnsafe(ref from, at + 112);
            var s0 = TRounds.DecryptFirst(c0, k0);
            var s1 = TRounds.DecryptFirst(c1, k0);
            var s2 = TRounds.DecryptFirst(c2, k0);
            var s3 = TRounds.DecryptFirst(c3, k0);
            var s4 = TRounds.DecryptFirst(c4, k0);
            var s5 = TRounds.DecryptFirst(c5, k0);
            var s6 = TRounds.DecryptFirst(c6, k0);
            var s7 = TRounds.DecryptFirst(c7, k0);
            for (var round = 1; round < Rounds - 1; round++)
            {
                var k = Key(ref keys, round);
                s0 = TRounds.DecryptMiddle(s0, k);
                s1 = TRounds.DecryptMiddle(s1, k);
                s2 = TRounds.DecryptMiddle(s2, k);
                s3 = TRounds.DecryptMiddle(s3, k);
                s4 = TRounds.DecryptMiddle(s4, k);
                s5 = TRounds.DecryptMiddle(s5, k);
                s6 = TRounds.DecryptMiddle(s6, k);
                s7 = TRounds.DecryptMiddle(s7, k);
            }

            var penultimate = Key(ref keys, Rounds - 1);
            var last = Key(ref keys, Rounds);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s0, penultimate), last) ^ chain).StoreUnsafe(ref to, at);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s1, penultimate), last) ^ c0).StoreUnsafe(ref to, at + 16);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s2, penultimate), last) ^ c1).StoreUnsafe(ref to, at + 32);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s3, penultimate), last) ^ c2).StoreUnsafe(ref to, at + 48);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s4, penultimate), last) ^ c3).StoreUnsafe(ref to, at + 64);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s5, penultimate), last) ^ c4).StoreUnsafe(ref to, at + 80);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s6, penultimate), last) ^ c5).StoreUnsafe(ref to, at + 96);
            (TRounds.DecryptLast(TRounds.DecryptPenultimate(s7, penultimate), last) ^ c6).StoreUnsafe(ref to, at + 112);
            chain = c7;
        }

        for (; at < length; at += BlockLength)
        {
            var c = Vector128.LoadUnsafe(ref from, at);
            var s = TRounds.DecryptFirst(c, k0);
            for (var round = 1; round < Rounds - 1; round++)
            {
                s = TRounds.DecryptMiddle(s, Key(ref keys, round));
            }

            s = TRounds.DecryptPenultimate(s, Key(ref keys, Rounds - 1));
            (TRounds.DecryptLast(s, Key(ref keys, Rounds)) ^ chain).StoreUnsafe(ref to, at);
            chain = c;
        }
    }

    protected override void ForgetKey() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(_roundKeys);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Key(ref byte keys, int round) => Vector128.LoadUnsafe(ref keys, (nuint)(round * BlockLength));
}
