/** Answers on the wire: JSON (default) or XML, success bodies and the error envelope. */
import { XMLBuilder } from 'fast-xml-parser';
import type { ApiError } from '../domain/errors.js';

export type ResponseFormat = 'JSON' | 'XML';

export interface Rendered {
  contentType: string;
  body: string;
}

const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
const xmlDeclaration = '<?xml version="1.0" encoding="UTF-8"?>';

/** Element name of one item of a list field in the XML view (spec/api.md §7.2). */
const itemNames: Record<string, string> = {
  Contacts: 'Contact',
  MessageTypes: 'MessageType',
  Members: 'Member',
  ContactVerifications: 'ContactVerification',
  FailReasonList: 'FailReason',
};

function itemName(listName: string): string {
  return itemNames[listName] ?? (listName.endsWith('s') ? listName.slice(0, -1) : 'Item');
}

/** Whether `wrapper` is the plural of `item` (`Folders`/`Folder`, `Policies`/`Policy`). */
const isPluralOf = (wrapper: string | undefined, item: string): boolean =>
  wrapper === `${item}s` || (item.endsWith('y') && wrapper === `${item.slice(0, -1)}ies`);

/**
 * JSON arrays become a wrapper element holding one item element per value, except in a wrapped list
 * (the directory family's `{"Folders":{"Folder":[…]}}`, RAM's `{"Policies":{"Policy":[…]}}`): there
 * the object already is the wrapper, so the array under `Folder` inside `Folders` becomes repeated
 * `<Folder>` elements.
 */
function toXmlTree(value: unknown, parentKey?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => toXmlTree(item));
  if (value === null || typeof value !== 'object') return value;
  const tree: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (!Array.isArray(child)) tree[key] = toXmlTree(child, key);
    else if (isPluralOf(parentKey, key)) tree[key] = child.map((item) => toXmlTree(item));
    else tree[key] = { [itemName(key)]: child.map((item) => toXmlTree(item)) };
  }
  return tree;
}

export function renderSuccess(action: string, body: Record<string, unknown>, format: ResponseFormat): Rendered {
  if (format === 'XML') {
    return {
      contentType: 'text/xml;charset=utf-8',
      body: xmlDeclaration + xml.build({ [`${action}Response`]: toXmlTree(body) }),
    };
  }
  return { contentType: 'application/json;charset=utf-8', body: JSON.stringify(body) };
}

/**
 * The error envelope. `product`: the product the request named (its troubleshooting link points
 * there); the directory's when the request got no further than the gateway.
 */
export function errorEnvelope(error: ApiError, requestId: string, hostId: string, product = 'ResourceDirectoryMaster'): Record<string, unknown> {
  return {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=${product}&requestId=${requestId}`,
    ...error.fields,
  };
}

export function renderError(error: ApiError, requestId: string, hostId: string, format: ResponseFormat, product?: string): Rendered {
  const envelope = errorEnvelope(error, requestId, hostId, product);
  if (format === 'XML') {
    return { contentType: 'text/xml;charset=utf-8', body: xmlDeclaration + xml.build({ Error: envelope }) };
  }
  return { contentType: 'application/json;charset=utf-8', body: JSON.stringify(envelope) };
}
