/**
 * RSA-SHA256 signatures, base64: the one scheme Wise uses for webhooks (`X-Signature-SHA256`,
 * over the exact body bytes) and for SCA approvals (`X-Signature`, over the one-time token).
 * Used by the webhook receiver, the SCA signer, the simulator (which signs webhooks and checks
 * approvals as Wise does) and the tests' and bench's signers — so every side signs and checks the
 * same way, and a change of scheme is made here once.
 */
import { createSign, createVerify, type KeyLike } from 'node:crypto';

/** The base64 RSA-SHA256 signature of `data` with a private key (PEM or KeyObject). */
export function signRsaSha256(data: string | Buffer, privateKey: KeyLike): string {
  return createSign('RSA-SHA256').update(data).sign(privateKey, 'base64');
}

/**
 * Whether `signature` (base64) is `data` signed by the holder of `publicKey`'s private key. A
 * signature that cannot even be checked (not base64, a key of another type) does not match:
 * the caller's answer is the same refusal, and nothing signed is trusted by mistake.
 */
export function verifyRsaSha256(data: string | Buffer, signature: string, publicKey: KeyLike): boolean {
  try {
    return createVerify('RSA-SHA256').update(data).verify(publicKey, signature, 'base64');
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_')) return false;
    throw error;
  }
}
