#!/usr/bin/env python3
"""Sums `perf script` samples into the layers of a push (docs/performance.md, "Where a push's time goes").

Each sample goes to the first frame, walking from the leaf towards the root, that belongs to a layer:
so time in memcpy called by Kestrel is Kestrel's, the collector's time is the collector's wherever it
was triggered, and the kernel's time is the kernel's (the network stack, mostly). Reads perf script
on stdin; an optional argument is wrk's output, whose req/s turns shares into microseconds per request.
"""
import os
import re
import sys

LAYERS = [
    ("thread pool spin-wait (sched_yield)", r"sched_yield"),
    ("GC", r"gc_heap|GCHeap|WKS::|SVR::|GCToEEInterface|memclr|JIT_New|AllocateString|Alloc\b|RhpNew|allocate_more_space"),
    ("JIT / tiering", r"libclrjit|TieredCompilation|CallCountingManager|ThePreStub|MethodDesc::DoPrestub"),
    ("kernel (TCP, epoll, scheduling)", r"\[kernel\.kallsyms\]|\(\[kernel"),
    ("crypto: AES", r"Crypto\.Ciphers|AesCbc|EVP_(Encrypt|Decrypt|Cipher)|aesni_|aes_v8|AES_|EVP_CIPHER|CryptoNative_Encrypt|CryptoNative_EvpCipher|SymmetricAlgorithm|UniversalCryptoOneShot|OpenSslCipher|AesImplementation|BasicSymmetricCipher"),
    ("crypto: SHA-1 / SHA-256 / HMAC", r"sha1_block|sha256_block|SHA1|SHA256|HMAC|IncrementalHash|EVP_Digest|CryptoNative_Evp|CryptoNative_Hmac|EnvelopeKey::DeriveReplyRandom|Crypto\.Signature"),
    ("crypto: other (base64, envelope, OpenSSL glue)", r"BrandBot\.Protocol\.Crypto|System\.Security\.Cryptography|libcrypto|libssl|System\.Buffers\.Text\.Base64|Convert::(To|From|TryFrom)Base64"),
    ("XML read (envelope + message)", r"BrandBot\.Protocol\.Xml|BrandBot\.Protocol\.Inbound"),
    ("reply write + seal", r"BrandBot\.Protocol\.Replies"),
    ("rules: match", r"BrandBot\.Rules"),
    ("Redis client + dedup + write-behind", r"StackExchange\.Redis|BrandBot\.Redis|BrandBot\.Delivery\.Dedup|Pipelines\.Sockets\.Unofficial"),
    ("metrics", r"System\.Diagnostics\.Metrics|BrandBot\.Metrics|OpenTelemetry\.Metrics|Prometheus"),
    ("tracing (Activity)", r"System\.Diagnostics\.Activity|DiagnosticSource|ActivitySource|OpenTelemetry"),
    ("logging", r"Microsoft\.Extensions\.Logging|BrandBot\.Logging"),
    ("answering (Delivery: policy, limits, stats)", r"BrandBot\.Delivery|BrandBot\.Rules\.Stats"),
    ("webhook edge (handler, body read, response write)", r"BrandBot\.Webhook|Floor\.|Program::<Main>|<Main>\$"),
    ("routing + hosting + HttpContext", r"Microsoft\.AspNetCore\.(Routing|Hosting|Http\b|Http\.|Builder|HttpsPolicy|Diagnostics)|Microsoft\.Extensions\.Primitives|RequestDelegate"),
    ("Kestrel (HTTP/1.1 parse, pipes, response)", r"Microsoft\.AspNetCore\.Server\.Kestrel|System\.IO\.Pipelines|Microsoft\.AspNetCore\.Connections|System\.Net\.Http\.Headers"),
    ("sockets (managed)", r"System\.Net\.Sockets|SocketAsyncEngine|SocketAsyncContext|System\.Net\.Primitives"),
    ("thread pool + async machinery", r"System\.Threading|AsyncTaskMethodBuilder|AsyncStateMachineBox|ExecutionContext|PortableThreadPool|ThreadPoolWorkQueue|Task`?1?::|System\.Runtime\.CompilerServices"),
    ("runtime (other coreclr)", r"libcoreclr|libSystem\.Native|libc\.so|libc-|ld-linux|libpthread|libstdc"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in LAYERS]


def samples(stream):
    frames = []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line.startswith((" ", "\t")):
            frames.append(line.strip())
        else:
            frames = []
    if frames:
        yield frames


def main():
    counts = {}
    total = 0
    for frames in samples(sys.stdin):
        total += 1
        layer = "other managed / unresolved"
        for frame in frames:
            hit = next((name for name, pattern in COMPILED if pattern.search(frame)), None)
            if hit:
                layer = hit
                break
        counts[layer] = counts.get(layer, 0) + 1
    rps = None
    if len(sys.argv) > 1:
        text = open(sys.argv[1]).read()
        match = re.search(r"Requests/sec:\s+([0-9.]+)", text)
        rps = float(match.group(1)) if match else None
    # perf samples the target's threads at 999 Hz while they run: samples / rate is the CPU time it used,
    # which over the requests served is its CPU per request (whoever else shared the core).
    seconds = float(os.environ.get("RECORDED_SECONDS", "0"))
    per_request = (total / 999.0) * 1e6 / (rps * seconds) if rps and seconds else None
    print(f"{total} samples" + (f", {rps:,.0f} req/s: {per_request:.1f} us of CPU per request" if per_request else ""))
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        share = count / total if total else 0
        us = f"{share * per_request:7.1f} us" if per_request else ""
        print(f"  {share * 100:5.1f}%  {us}  {name}")


main()
