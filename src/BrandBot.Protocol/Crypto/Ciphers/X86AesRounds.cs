using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// AES rounds on x86's AES-NI: key 0 is a plain XOR, AESENC/AESDEC are whole rounds that end with the
/// key, AESENCLAST/AESDECLAST the last round without (Inv)MixColumns.
/// </summary>
internal readonly struct X86AesRounds : IAesRounds
{
    public static string Name => "x86-aes";

    /// <summary>Both AES-NI and SSE2 are on (<c>DOTNET_EnableAES=0</c> or <c>DOTNET_EnableHWIntrinsic=0</c> turns them off).</summary>
    public static bool IsSupported => X86Aes.IsSupported && X86Sse2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptFirst(Vector128<byte> block, Vector128<byte> key) => block ^ key;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptMiddle(Vector128<byte> state, Vector128<byte> key) => X86Aes.Encrypt(state, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptPenultimate(Vector128<byte> state, Vector128<byte> key) => X86Aes.Encrypt(state, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptLast(Vector128<byte> state, Vector128<byte> key) => X86Aes.EncryptLast(state, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptFirst(Vector128<byte> block, Vector128<byte> key) => block ^ key;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptMiddle(Vector128<byte> state, Vector128<byte> key) => X86Aes.Decrypt(state, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptPenultimate(Vector128<byte> state, Vector128<byte> key) => X86Aes.Decrypt(state, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptLast(Vector128<byte> state, Vector128<byte> key) => X86Aes.DecryptLast(state, key);

    public static Vector128<byte> InverseMixColumns(Vector128<byte> roundKey) => X86Aes.InverseMixColumns(roundKey);

    /// <summary>FIPS 197 §5.2 for Nk = 8, with AESKEYGENASSIST doing SubWord/RotWord.</summary>
    public static void ExpandKey(ReadOnlySpan<byte> key, Span<byte> schedule)
    {
        var even = Vector128.Create(key[..16]);
        var odd = Vector128.Create(key[16..]);
        even.CopyTo(schedule);
        odd.CopyTo(schedule[16..]);
        for (var i = 0; i < 7; i++)
        {
            // RotWord(SubWord(last word)) ^ Rcon, broadcast to all four words.
            var assist = X86Sse2.Shuffle(AssistWithRcon(odd, i).AsUInt32(), 0xFF).AsByte();
            even = Spread(even) ^ assist;
            even.CopyTo(schedule[(((2 * i) + 2) * 16)..]);
            if (i == 6)
            {
                break;
            }

            // SubWord(last word), no rotation and no Rcon, for the second half of each 256-bit step.
            var sub = X86Sse2.Shuffle(X86Aes.KeygenAssist(even, 0).AsUInt32(), 0xAA).AsByte();
            odd = Spread(odd) ^ sub;
            odd.CopyTo(schedule[(((2 * i) + 3) * 16)..]);
        }
    }

    /// <summary>AESKEYGENASSIST with step <paramref name="step"/>'s round constant (FIPS 197 §5.2: 01, 02, 04, … 40); the instruction takes it as an immediate.</summary>
    private static Vector128<byte> AssistWithRcon(Vector128<byte> k, int step) => step switch
    {
        0 => X86Aes.KeygenAssist(k, 0x01),
        1 => X86Aes.KeygenAssist(k, 0x02),
        2 => X86Aes.KeygenAssist(k, 0x04),
        3 => X86Aes.KeygenAssist(k, 0x08),
        4 => X86Aes.KeygenAssist(k, 0x10),
        5 => X86Aes.KeygenAssist(k, 0x20),
        _ => X86Aes.KeygenAssist(k, 0x40),
    };

    /// <summary>w[i] ^= w[i-1] ^ … ^ w[0] within one 128-bit group: each word XOR all the words before it.</summary>
    private static Vector128<byte> Spread(Vector128<byte> k)
    {
        k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
        return k;
    }
}
