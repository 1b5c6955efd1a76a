using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BrandBot.Testing;

/// <summary>Signals the tests send to a BrandBot process they started, as an operator's tools would.</summary>
public static class Signals
{
    private const int SigTerm = 15;

    /// <summary>
    /// SIGTERM, as systemd, <c>docker stop</c> and Kubernetes stop a process; returns at once, without
    /// waiting for the exit. A process that has already exited is left alone; any other failure throws.
    /// </summary>
    public static void Terminate(Process process)
    {
        // The kill(2) call itself, not the kill program: procps is not on every machine, and
        // tests/run-all.sh installs only what the tests start.
        if (kill(process.Id, SigTerm) != 0 && !process.HasExited)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
