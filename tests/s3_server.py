"""A real S3-compatible server for the bucket tests: moto in server mode, with IAM
authentication enforced, holding a folder uploaded by this script.

moto skips authentication for the first INITIAL_NO_AUTH_ACTION_COUNT requests; this script
spends exactly those on creating an IAM user with an S3 policy and its access key, so every
later request (the bucket, the upload, xbrief's own) must be signed with that key.
  --upload DIR        upload every file under DIR (keys relative to DIR, under --prefix)
  --bucket NAME       the bucket to create (in --region)
  --prefix P          key prefix of the upload
  --region R          the bucket's region (us-east-1 unless told)
Prints one JSON line {"port", "key_id", "secret"} when it answers, then serves until its
standard input closes, so the server dies with the test that started it.
"""

import argparse
import json
import os
import sys

NO_AUTH_ACTIONS = 3  # create_user, put_user_policy, create_access_key
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(NO_AUTH_ACTIONS)

import boto3  # noqa: E402
from urllib.parse import quote  # noqa: E402
from moto.iam import access_control  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def signed_query_as_sent(init):
    """moto 5.2 checks a signature against the query string after decoding it, so a request
    signed (correctly) with `prefix=good%2F` is refused as if its signature were wrong;
    boto3's own requests fail the same way. Re-encode the values as SigV4 clients send them."""

    def patched(self, *args, **kwargs):
        path = kwargs.get("path", "")
        if "?" in path:
            base, query = path.split("?", 1)
            pairs = [pair.partition("=") for pair in query.split("&")]
            query = "&".join(
                k + sep + quote(v, safe="-_.~%") for k, sep, v in pairs
            )
            kwargs["path"] = base + "?" + query
        init(self, *args, **kwargs)

    return patched


access_control.IAMRequestBase.__init__ = signed_query_as_sent(
    access_control.IAMRequestBase.__init__
)

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upload")
    parser.add_argument("--bucket", default="exports")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    anonymous = {"aws_access_key_id": "bootstrap", "aws_secret_access_key": "bootstrap"}
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", **anonymous)
    iam.create_user(UserName="xbrief")
    iam.put_user_policy(
        UserName="xbrief", PolicyName="s3", PolicyDocument=json.dumps(POLICY)
    )
    key = iam.create_access_key(UserName="xbrief")["AccessKey"]
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=args.region,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )
    create = {"Bucket": args.bucket}
    if args.region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": args.region}
    s3.create_bucket(**create)
    if args.upload:
        for folder, _, names in os.walk(args.upload):
            for name in sorted(names):
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, args.upload).replace(os.sep, "/")
                s3.upload_file(path, args.bucket, args.prefix + relative)
    print(
        json.dumps(
            {
                "port": port,
                "key_id": key["AccessKeyId"],
                "secret": key["SecretAccessKey"],
            }
        ),
        flush=True,
    )
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
