using Xunit;

namespace ActorChannel.Transport.Tests.Wire;

public class GrpcFramingTests
{
    [Fact]
    public void Header_round_trip()
    {
        var buf = new byte[5];
        GrpcFraming.WriteHeader(buf, compressed: true, 0x01020304);
        Assert.Equal(new byte[] { 1, 1, 2, 3, 4 }, buf);
        Assert.Equal(new GrpcFrameHeader(true, 0x01020304), GrpcFraming.ReadHeader(buf));
    }

    [Fact]
    public void Rejects_bad_flag_and_short_header()
    {
        Assert.Contains("compressed flag 7", Assert.Throws<InvalidDataException>(() => GrpcFraming.ReadHeader([7, 0, 0, 0, 0])).Message);
        Assert.Contains("Truncated", Assert.Throws<InvalidDataException>(() => GrpcFraming.ReadHeader([0, 0])).Message);
    }

    [Fact]
    public async Task Reads_messages_until_clean_end()
    {
        var ms = new MemoryStream([.. GrpcFraming.Frame([1, 2, 3]), .. GrpcFraming.Frame([]), .. GrpcFraming.Frame([9], compressed: true)]);
        var a = await GrpcFraming.ReadMessageAsync(ms, null);
        var b = await GrpcFraming.ReadMessageAsync(ms, null);
        var c = await GrpcFraming.ReadMessageAsync(ms, null);
        Assert.Equal(new byte[] { 1, 2, 3 }, a!.Payload);
        Assert.Empty(b!.Payload);
        Assert.True(c!.Compressed);
        Assert.Null(await GrpcFraming.ReadMessageAsync(ms, null));
    }

    [Fact]
    public async Task Truncated_prefix_and_body_are_errors()
    {
        var e1 = await Assert.ThrowsAsync<InvalidDataException>(async () => await GrpcFraming.ReadMessageAsync(new MemoryStream([0, 0, 0]), null));
        Assert.Contains("header (3 of 5", e1.Message);
        var e2 = await Assert.ThrowsAsync<InvalidDataException>(async () => await GrpcFraming.ReadMessageAsync(new MemoryStream([0, 0, 0, 0, 10, 1, 2]), null));
        Assert.Contains("2 of 10", e2.Message);
    }

    [Fact]
    public async Task Declared_length_over_the_limit_fails_before_allocating()
    {
        var e = await Assert.ThrowsAsync<GrpcMessageTooLargeException>(async () =>
            await GrpcFraming.ReadMessageAsync(new MemoryStream([0, 0x80, 0, 0, 0]), 4 * 1024 * 1024));
        Assert.Equal(2147483648L, e.Length);
        var e2 = await Assert.ThrowsAsync<GrpcMessageTooLargeException>(async () =>
            await GrpcFraming.ReadMessageAsync(new MemoryStream([0, 0xFF, 0xFF, 0xFF, 0xFF]), null));
        Assert.Equal(uint.MaxValue, e2.Length);
    }

    [Fact]
    public void Gzip_round_trip_and_limit()
    {
        var data = new byte[100_000];
        var z = GrpcCompression.Compress("gzip", data);
        Assert.True(z.Length < 1000);
        Assert.Equal(data, GrpcCompression.Decompress("gzip", z, null));
        Assert.Throws<GrpcMessageTooLargeException>(() => GrpcCompression.Decompress("gzip", z, 50_000));
        Assert.Contains("'br'", Assert.Throws<NotSupportedException>(() => GrpcCompression.Decompress("br", z, null)).Message);
    }
}
