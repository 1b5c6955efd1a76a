using System.Reflection;
using System.Runtime.InteropServices;
using BrandBot.Protocol.Crypto.Ciphers;

namespace BrandBot.Protocol.Tests.Ciphers;

/// <summary>
/// AES-256-CBC held to NIST's answers and to .NET's own AES (OpenSSL), in every shape the envelope uses
/// and more: every block count across the eight-block decryption width, in place and not, shared by threads.
/// tests/run-all.sh runs this class a second time with <c>DOTNET_EnableAES=0</c>, where <see cref="AesCbc.Create"/>
/// falls back to .NET's AES: both paths pass the same tests.
/// </summary>
public sealed class AesCbcTests
{
    public static TheoryData<bool> BothPaths() => [true, false];

    [Fact]
    public void Preferred_FollowsTheCpuAndTheRuntimeSwitches()
    {
        // DOTNET_EnableAES=0 or DOTNET_EnableHWIntrinsic=0 must switch the instructions off, so the fallback is what runs.
        var switchedOff = Environment.GetEnvironmentVariable("DOTNET_EnableAES") == "0"
            || Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0"
            || Environment.GetEnvironmentVariable("DOTNET_EnableArm64Aes") == "0" && RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
        var cpuHasAes = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => CpuFlags().Contains("aes"),
            Architecture.Arm64 => CpuFlags().Contains("aes"),
            _ => false,
        };
        var expected = switchedOff || !cpuHasAes ? "dotnet"
            : RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "arm64-aes" : "x86-aes";

        Assert.Equal(expected, AesCbc.Preferred);
        using var cipher = AesCbc.Create(new byte[32]);
        Assert.Equal(expected, cipher.Implementation);
    }

    [Theory]
    [MemberData(nameof(KnownAnswerCases))]
    public void KnownAnswer_EncryptsAndDecryptsToNistsValues(string id, bool preferred)
    {
        var v = AesCbcVectors.File.KnownAnswers.Single(k => k.Id == id);
        using var cipher = Make(preferred, Convert.FromHexString(v.Key));
        var plain = Convert.FromHexString(v.Plaintext);
        var expected = Convert.FromHexString(v.Ciphertext);
        var output = new byte[plain.Length];

        cipher.Encrypt(Convert.FromHexString(v.Iv), plain, output);
        Assert.Equal(v.Ciphertext, Convert.ToHexStringLower(output));
        cipher.Decrypt(Convert.FromHexString(v.Iv), expected, output);
        Assert.Equal(v.Plaintext, Convert.ToHexStringLower(output));
    }

    public static TheoryData<string, bool> KnownAnswerCases() => OnBothPaths(AesCbcVectors.File.KnownAnswers.Select(v => v.Id));

    [Theory]
    [MemberData(nameof(MonteCarloCases))]
    public void MonteCarlo_HundredKeysOfAThousandBlocks_EndsOnNistsValue(string id, bool preferred)
    {
        // AESAVS §6.4.2 (CBC Monte Carlo): 100 outer rounds, each a fresh key of 1,000 chained blocks.
        var seed = AesCbcVectors.File.MonteCarlo.Single(m => m.Id == id);
        var key = Convert.FromHexString(seed.Key);
        var iv = Convert.FromHexString(seed.Iv);
        var input = Convert.FromHexString(seed.Input);
        var outputs = new byte[1000][];
        for (var i = 0; i < 100; i++)
        {
            using var cipher = Make(preferred, key);
            var chain = iv;
            var block = input;
            for (var j = 0; j < 1000; j++)
            {
                var output = new byte[16];
                if (seed.Encrypt)
                {
                    cipher.Encrypt(chain, block, output);
                    chain = output;
                }
                else
                {
                    cipher.Decrypt(chain, block, output);
                    chain = block;
                }

                outputs[j] = output;
                block = j == 0 ? iv : outputs[j - 1];
            }

            byte[] lastTwo = [.. outputs[998], .. outputs[999]];
            for (var b = 0; b < 32; b++)
            {
                key[b] ^= lastTwo[b];
            }

            iv = outputs[999];
            input = outputs[998];
        }

        Assert.Equal(seed.Output99, Convert.ToHexStringLower(outputs[999]));
    }

    public static TheoryData<string, bool> MonteCarloCases() => OnBothPaths(AesCbcVectors.File.MonteCarlo.Select(v => v.Id));

    [Fact]
    public void EveryBlockCount_BothDirections_InPlaceAndNot_MatchesDotNetsAes()
    {
        var random = new Random(20261206);
        for (var blocks = 0; blocks <= 40; blocks++)
        {
            for (var trial = 0; trial < 4; trial++)
            {
                var key = Bytes(random, 32);
                var iv = Bytes(random, 16);
                var plain = Bytes(random, blocks * 16);
                using var reference = System.Security.Cryptography.Aes.Create();
                reference.Key = key;
                var expected = reference.EncryptCbc(plain, iv, System.Security.Cryptography.PaddingMode.None);
                using var cipher = AesCbc.Create(key);

                var encrypted = new byte[plain.Length];
                cipher.Encrypt(iv, plain, encrypted);
                Assert.Equal(expected, encrypted);
                var decrypted = new byte[plain.Length];
                cipher.Decrypt(iv, encrypted, decrypted);
                Assert.Equal(plain, decrypted);

                var inPlace = (byte[])plain.Clone();
                cipher.Encrypt(iv, inPlace, inPlace);
                Assert.Equal(expected, inPlace);
                cipher.Decrypt(iv, inPlace, inPlace);
                Assert.Equal(plain, inPlace);

                // A slice at an odd offset of a larger buffer, with room to spare after it.
                var offset = new byte[plain.Length + 37];
                expected.CopyTo(offset, 5);
                cipher.Decrypt(iv, offset.AsSpan(5, plain.Length), offset.AsSpan(5));
                Assert.Equal(plain, offset[5..(5 + plain.Length)]);
                Assert.All(offset[(5 + plain.Length)..], b => Assert.Equal(0, b));
            }
        }
    }

    [Fact]
    public void RandomKeysAndLengths_AgreeWithThePortablePath()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 300; trial++)
        {
            var key = Bytes(random, 32);
            var iv = Bytes(random, 16);
            var data = Bytes(random, random.Next(0, 200) * 16);
            using var fast = AesCbc.Create(key);
            using var portable = AesCbc.CreatePortable(key);
            var a = new byte[data.Length];
            var b = new byte[data.Length];
            fast.Encrypt(iv, data, a);
            portable.Encrypt(iv, data, b);
            Assert.Equal(b, a);
            fast.Decrypt(iv, data, a);
            portable.Decrypt(iv, data, b);
            Assert.Equal(b, a);
        }
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public void BadArguments_AreRefused_BeforeAnyByteIsWritten(bool preferred)
    {
        using var cipher = Make(preferred, new byte[32]);
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => cipher.Encrypt(new byte[15], buffer, buffer));
        Assert.Throws<ArgumentException>(() => cipher.Encrypt(new byte[16], buffer.AsSpan(0, 17), new byte[32]));
        Assert.Throws<ArgumentException>(() => cipher.Decrypt(new byte[16], buffer.AsSpan(0, 32), new byte[16]));
        // A shifted overlap would read blocks already overwritten.
        Assert.Throws<ArgumentException>(() => cipher.Decrypt(new byte[16], buffer.AsSpan(0, 32), buffer.AsSpan(16)));
        Assert.Throws<ArgumentException>(() => cipher.Decrypt(new byte[16], buffer.AsSpan(16, 32), buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Throws<ArgumentException>(() => AesCbc.Create(new byte[16]));
        Assert.Throws<ArgumentException>(() => AesCbc.CreatePortable(new byte[31]));
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public void Dispose_ZeroesTheKeyMaterial_AndRefusesFurtherUse(bool preferred)
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var cipher = Make(preferred, key);
        var material = KeyMaterial(cipher);
        Assert.Contains(material, b => b != 0);

        cipher.Dispose();
        cipher.Dispose();

        Assert.All(material, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => cipher.Encrypt(new byte[16], new byte[16], new byte[16]));
    }

    [Fact]
    public async Task SharedInstance_ManyThreads_EveryCallCorrect()
    {
        var random = new Random(11);
        var key = Bytes(random, 32);
        using var shared = AesCbc.Create(key);
        using var reference = AesCbc.CreatePortable(key);
        var cases = Enumerable.Range(0, 64).Select(_ =>
        {
            var iv = Bytes(random, 16);
            var plain = Bytes(random, random.Next(0, 64) * 16);
            var expected = new byte[plain.Length];
            reference.Encrypt(iv, plain, expected);
            return (iv, plain, expected);
        }).ToArray();

        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var round = 0; round < 2_000; round++)
            {
                var (iv, plain, expected) = cases[(worker * 31 + round) % cases.Length];
                var buffer = (byte[])plain.Clone();
                shared.Encrypt(iv, buffer, buffer);
                var encryptedRight = buffer.AsSpan().SequenceEqual(expected);
                shared.Decrypt(iv, buffer, buffer);
                if (!encryptedRight || !buffer.AsSpan().SequenceEqual(plain))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        Assert.Equal(0, failures);
    }

    /// <summary>Each vector on the preferred path and on the portable one.</summary>
    private static TheoryData<string, bool> OnBothPaths(IEnumerable<string> ids)
    {
        var data = new TheoryData<string, bool>();
        foreach (var id in ids)
        {
            data.Add(id, true);
            data.Add(id, false);
        }

        return data;
    }

    private static AesCbc Make(bool preferred, byte[] key) => preferred ? AesCbc.Create(key) : AesCbc.CreatePortable(key);

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] KeyMaterial(AesCbc cipher)
    {
        var field = cipher.GetType().GetField("_roundKeys", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? cipher.GetType().GetField("_key", BindingFlags.NonPublic | BindingFlags.Instance)!;
        return (byte[])field.GetValue(cipher)!;
    }

    private static string[] CpuFlags()
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal)) ?? "";
        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
