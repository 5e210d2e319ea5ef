"use client";
import { createContext, useContext } from "react";

/**
 * Whether this thread may fetch remote images by itself. Fetching tells the file's host
 * (which the sender chose) the reader's IP address and that the message was opened, so
 * a Request or a blocked sender gets nothing until the person taps "Load image".
 * Outside a thread the safe answer holds: on tap only.
 */
export const RemoteImagesAutoLoad = createContext(false);

export function useRemoteImagesAutoLoad(): boolean {
  return useContext(RemoteImagesAutoLoad);
}
