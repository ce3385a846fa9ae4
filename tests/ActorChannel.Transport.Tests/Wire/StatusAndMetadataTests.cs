using Xunit;

namespace ActorChannel.Transport.Tests.Wire;

public class StatusAndMetadataTests
{
    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(431, StatusCode.Internal)]
    [InlineData(200, StatusCode.Unknown)]
    [InlineData(500, StatusCode.Unknown)]
    [InlineData(302, StatusCode.Unknown)]
    public void Http_status_mapping(int http, StatusCode code) => Assert.Equal(code, StatusMapping.FromHttpStatus(http));

    [Theory]
    [InlineData(Http2ErrorCode.NoError, StatusCode.Internal, false)]
    [InlineData(Http2ErrorCode.ProtocolError, StatusCode.Internal, false)]
    [InlineData(Http2ErrorCode.FlowControlError, StatusCode.Internal, false)]
    [InlineData(Http2ErrorCode.RefusedStream, StatusCode.Unavailable, true)]
    [InlineData(Http2ErrorCode.Cancel, StatusCode.Cancelled, false)]
    [InlineData(Http2ErrorCode.EnhanceYourCalm, StatusCode.ResourceExhausted, false)]
    [InlineData(Http2ErrorCode.InadequateSecurity, StatusCode.PermissionDenied, false)]
    [InlineData((Http2ErrorCode)0xff, StatusCode.Internal, false)]
    public void Rst_stream_mapping(Http2ErrorCode http2, StatusCode code, bool notProcessed)
    {
        Assert.Equal(code, StatusMapping.FromRstStream(http2));
        Assert.Equal(notProcessed, StatusMapping.IsNotProcessed(http2));
    }

    [Fact]
    public void Cancel_after_deadline_is_deadline_exceeded() =>
        Assert.Equal(StatusCode.DeadlineExceeded, StatusMapping.FromRstStream(Http2ErrorCode.Cancel, deadlinePassed: true));

    [Theory]
    [InlineData("0", StatusCode.OK)]
    [InlineData("14", StatusCode.Unavailable)]
    [InlineData("99", StatusCode.Unknown)]
    [InlineData("", null)]
    [InlineData("x", null)]
    [InlineData(null, null)]
    public void Parses_grpc_status(string? text, StatusCode? code) => Assert.Equal(code, StatusMapping.ParseGrpcStatus(text));

    [Theory]
    [InlineData("AQID", new byte[] { 1, 2, 3 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("AQ==", new byte[] { 1 })]
    [InlineData("AQ", new byte[] { 1 })]
    [InlineData("", new byte[0])]
    public void Base64_padded_or_not(string text, byte[] bytes)
    {
        Assert.True(MetadataHeaders.TryDecodeBase64(text, out var got));
        Assert.Equal(bytes, got);
    }

    [Fact]
    public void Received_headers_become_metadata_skipping_reserved()
    {
        var md = MetadataHeaders.FromHeaders(
        [
            new("content-type", ["application/grpc"]),
            new("grpc-status", ["0"]),
            new(":status", ["200"]),
            new("X-Custom", ["v1", "v2"]),
            new("trace-bin", ["AQI, AwQ="]),
            new("bad-bin", ["*"]),
        ]);
        Assert.Equal(["x-custom", "x-custom", "trace-bin", "trace-bin"], md.Select(e => e.Key));
        Assert.Equal("v2", md.GetValue("x-custom"));
        Assert.Equal(new byte[] { 3, 4 }, md.GetBytes("trace-bin"));
        Assert.Equal(new byte[] { 1, 2 }, md[2].ValueBytes);
    }

    [Fact]
    public void Binary_metadata_round_trip()
    {
        var rng = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[rng.Next(0, 64)];
            rng.NextBytes(bytes);
            var sent = new Metadata().Add("k-bin", bytes);
            var header = MetadataHeaders.ToHeaders(sent).Single();
            var back = new Metadata();
            Assert.True(MetadataHeaders.TryAddReceived(back, header.Key, header.Value.TrimEnd('=')));
            Assert.Equal(bytes, back.GetBytes("k-bin"));
        }
    }
}

public class MetadataKeyTests
{
    [Theory]
    [InlineData("x-custom", true)]
    [InlineData("X-Custom", true)]
    [InlineData("trace-bin", true)]
    [InlineData("a.b_c-d0", true)]
    [InlineData("te", false)]
    [InlineData("Content-Type", false)]
    [InlineData("user-agent", false)]
    [InlineData("grpc-accept-encoding", false)]
    [InlineData("grpc-status", false)]
    [InlineData("content-length", false)]
    [InlineData("Keep-Alive", false)]
    [InlineData("proxy-connection", false)]
    [InlineData("expect", false)]
    [InlineData(":path", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("bad key", false)]
    [InlineData("bad/key", false)]
    public void IsValid_agrees_with_Validate(string? key, bool valid)
    {
        Assert.Equal(valid, MetadataKey.IsValid(key));
        if (key is not null)
        {
            var validates = true;
            try
            {
                MetadataKey.Validate(key);
            }
            catch (ArgumentException)
            {
                validates = false;
            }

            Assert.Equal(valid, validates);
        }
    }

    [Theory]
    [InlineData("content-length")]
    [InlineData("keep-alive")]
    [InlineData("proxy-connection")]
    [InlineData("expect")]
    public void Headers_the_http_stack_drops_or_misuses_are_refused_at_add(string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Metadata { { key, "v" } });
        Assert.Contains($"'{key}'", ex.Message);
        Assert.Contains("reserved", ex.Message);
    }
}
