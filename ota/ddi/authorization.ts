// DDI's two authorization schemes: a device presents its own TargetToken; a
// gateway presents the tenant's GatewayToken and may then act for any of its
// devices.

export type Credential = { scheme: "TargetToken" | "GatewayToken"; token: string };

export function parseAuthorization(header: string | undefined): Credential | null {
  if (!header) return null;
  const match = /^(TargetToken|GatewayToken) +(\S+)$/.exec(header.trim());
  return match ? { scheme: match[1] as Credential["scheme"], token: match[2] } : null;
}

export const authorizationHeader = (credential: Credential) => `${credential.scheme} ${credential.token}`;
